/**
 * Internals shared by the core's packages; not exported by the module, not an API.
 */
package io.connlistener.internal;
