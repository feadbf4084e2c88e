/**
 * Support for the tests of every module: a module of its own, never published.
 */
package io.connlistener.testsupport;
