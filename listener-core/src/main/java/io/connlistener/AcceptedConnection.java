package io.connlistener;

import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Objects;

import io.connlistener.proxy.ProxyHeader;
import io.connlistener.tls.TlsChannel;

/**
 * A connection a {@link ConnListener} hands to its {@link AcceptCallback}, with what the
 * listener learnt about it: the client's address, behind a PROXY protocol proxy the proxy's
 * address and the header it sent, and on a TLS listener the established {@link TlsChannel}.
 * Immutable.
 *
 * @param channel the connection
 * @param remoteAddress the client's address: from the PROXY header when it carries one,
 * else the peer's
 * @param proxyAddress the peer's address when it sent a PROXY header (the proxy's), else
 * {@code null}
 * @param proxyHeader the PROXY header the peer sent, or {@code null} when the listener does
 * not read one
 * @param tls on a TLS listener, the connection after its handshake: the channel a handler
 * must read and write instead of {@code channel} (the socket under it); {@code null} on a
 * plain listener
 * @param setup what the listener's {@link ConnectionSetupObserver} follows the connection's
 * setup with, for whoever serves it to end; {@code null} when nothing follows it
 */
public record AcceptedConnection(SocketChannel channel, SocketAddress remoteAddress, SocketAddress proxyAddress,
		ProxyHeader proxyHeader, TlsChannel tls, ConnectionSetup setup) {

	/**
	 * Check the connection.
	 */
	public AcceptedConnection {
		Objects.requireNonNull(channel, "'channel' must not be null");
		Objects.requireNonNull(remoteAddress, "'remoteAddress' must not be null");
		if ((proxyAddress == null) != (proxyHeader == null)) {
			throw new IllegalArgumentException("'proxyAddress' and 'proxyHeader' must both be set or both be null");
		}
		if (tls != null && tls.socket() != channel) {
			throw new IllegalArgumentException("'tls' must run over 'channel'");
		}
	}

	/**
	 * Create a connection whose setup nothing follows.
	 * @param channel the connection
	 * @param remoteAddress the client's address
	 * @param proxyAddress the proxy's address, or {@code null}
	 * @param proxyHeader the PROXY header, or {@code null}
	 * @param tls the TLS channel over {@code channel}, or {@code null}
	 */
	public AcceptedConnection(SocketChannel channel, SocketAddress remoteAddress, SocketAddress proxyAddress,
			ProxyHeader proxyHeader, TlsChannel tls) {
		this(channel, remoteAddress, proxyAddress, proxyHeader, tls, null);
	}

	/**
	 * Create a connection without TLS.
	 * @param channel the connection
	 * @param remoteAddress the client's address
	 * @param proxyAddress the proxy's address, or {@code null}
	 * @param proxyHeader the PROXY header, or {@code null}
	 */
	public AcceptedConnection(SocketChannel channel, SocketAddress remoteAddress, SocketAddress proxyAddress,
			ProxyHeader proxyHeader) {
		this(channel, remoteAddress, proxyAddress, proxyHeader, null);
	}

	/**
	 * Create a connection reached directly, without a proxy.
	 * @param channel the connection
	 * @param remoteAddress the peer's address
	 * @return the connection
	 */
	public static AcceptedConnection direct(SocketChannel channel, SocketAddress remoteAddress) {
		return new AcceptedConnection(channel, remoteAddress, null, null);
	}

	/**
	 * Create a connection reached through a proxy that sent a PROXY header.
	 * @param channel the connection
	 * @param proxyAddress the peer's address (the proxy's)
	 * @param header the header
	 * @return the connection, whose remote address is the header's source if it has one
	 */
	public static AcceptedConnection proxied(SocketChannel channel, SocketAddress proxyAddress, ProxyHeader header) {
		Objects.requireNonNull(header, "'header' must not be null");
		return new AcceptedConnection(channel, header.sourceOr(proxyAddress), proxyAddress, header);
	}

	/**
	 * Return whether the connection came through a proxy that sent a PROXY header.
	 * @return {@code true} if {@link #proxyHeader()} is set
	 */
	public boolean isProxied() {
		return this.proxyHeader != null;
	}

	/**
	 * Return this connection with the TLS channel established over it.
	 * @param tls the channel, over this connection's channel
	 * @return the connection with TLS
	 */
	public AcceptedConnection withTls(TlsChannel tls) {
		Objects.requireNonNull(tls, "'tls' must not be null");
		return new AcceptedConnection(this.channel, this.remoteAddress, this.proxyAddress, this.proxyHeader, tls,
				this.setup);
	}

	/**
	 * Return whether the connection runs TLS.
	 * @return {@code true} if {@link #tls()} is set
	 */
	public boolean isSecure() {
		return this.tls != null;
	}

	/**
	 * Return the address of the connection's other end: the proxy's when proxied, else the
	 * client's.
	 * @return the peer's address
	 */
	public SocketAddress peerAddress() {
		return (this.proxyAddress != null) ? this.proxyAddress : this.remoteAddress;
	}

}
