/**
 * Micrometer meters for connection listeners.
 */
package io.connlistener.boot.actuate.metrics;
