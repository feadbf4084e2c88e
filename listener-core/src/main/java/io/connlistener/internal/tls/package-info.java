/**
 * TLS on the JDK's {@code SSLEngine}: the bounded read of a connection's ClientHello before any
 * engine exists, and the engine-driven connection behind {@link io.connlistener.tls.TlsChannel}
 * that both the handshake stage and the channel drive. Not exported by the module.
 */
package io.connlistener.internal.tls;
