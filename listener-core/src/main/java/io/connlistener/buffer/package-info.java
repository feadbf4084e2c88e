/**
 * Buffered non-blocking connections on an event loop: libevent's {@code bufferevent} and {@code evbuffer}.
 */
package io.connlistener.buffer;
