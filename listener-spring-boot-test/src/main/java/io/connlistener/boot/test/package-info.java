/**
 * Test support for applications served by connlistener: {@link LocalConnListenerPort} and
 * {@link ConnListenerClient}.
 */
package io.connlistener.boot.test;
