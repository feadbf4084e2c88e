package io.connlistener.proxy;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

/**
 * A parsed PROXY protocol header: where the proxied connection came from and where it was
 * going. Immutable.
 * <p>
 * The addresses are {@code null} when the header carries none the receiver may use: a
 * version 2 {@code LOCAL} command (a proxy's own connection, such as a health check), a
 * version 1 {@code UNKNOWN} protocol, or a version 2 {@code UNSPEC} family. The
 * specification then says to use the connection's real endpoints, which
 * {@link #sourceOr(SocketAddress)} does. Type-length-value extensions of version 2 are
 * checked (and a CRC32C one verified) but not kept. An IPv4-mapped IPv6 address
 * ({@code ::ffff:a.b.c.d}) comes as the IPv4 address, as the JDK gives it.
 *
 * @param version 1 (text) or 2 (binary)
 * @param local whether the header is a version 2 {@code LOCAL} command
 * @param source the client's address: an {@link InetSocketAddress} or a
 * {@link UnixDomainSocketAddress}; {@code null} when the header carries none
 * @param destination the address the client connected to, of the same type as
 * {@code source}; {@code null} when the header carries none
 */
public record ProxyHeader(int version, boolean local, SocketAddress source, SocketAddress destination) {

	/**
	 * Check the header.
	 * @throws IllegalArgumentException if the version is neither 1 nor 2, a {@code LOCAL}
	 * header has addresses, or only one address is given
	 */
	public ProxyHeader {
		if (version != 1 && version != 2) {
			throw new IllegalArgumentException("'version' must be 1 or 2, not " + version);
		}
		if (local && version != 2) {
			throw new IllegalArgumentException("Only a version 2 header may be a LOCAL command");
		}
		if ((source == null) != (destination == null)) {
			throw new IllegalArgumentException("'source' and 'destination' must both be set or both be null");
		}
		if (local && source != null) {
			throw new IllegalArgumentException("A LOCAL header carries no addresses");
		}
	}

	/**
	 * Return whether the header carries the client's addresses.
	 * @return {@code true} if {@link #source()} and {@link #destination()} are set
	 */
	public boolean hasAddresses() {
		return this.source != null;
	}

	/**
	 * Return the client's address, or the given one when the header carries none.
	 * @param peerAddress the connection's real remote address (the proxy's)
	 * @return the address to treat as the client's
	 */
	public SocketAddress sourceOr(SocketAddress peerAddress) {
		return (this.source != null) ? this.source : peerAddress;
	}

}
