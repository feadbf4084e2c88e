/**
 * TLS for listeners: the settings of a TLS listener, the contexts chosen per handshake, and the
 * engine-driven channel a handler reads plaintext from. On the JDK's {@code SSLEngine} alone.
 */
package io.connlistener.tls;
