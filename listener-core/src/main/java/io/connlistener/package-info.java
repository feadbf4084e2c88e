/**
 * Connection listeners: accept TCP and Unix domain connections on an event loop (libevent's {@code evconnlistener}).
 */
package io.connlistener;
