package io.connlistener.proxy;

import java.net.InetAddress;
import java.time.Duration;
import java.util.List;
import java.util.Objects;

import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.RejectionReason;
import io.connlistener.admission.AdmissionSettings;
import io.connlistener.admission.CidrRange;

/**
 * Whether a {@link ConnListener} requires a PROXY protocol header (versions 1 and 2) at the
 * start of each connection, from which peers, and how long it waits for it. Beyond libevent.
 * Immutable.
 * <p>
 * With {@link ProxyProtocolMode#REQUIRED}, right after accept the listener closes a
 * connection whose peer is not in {@code trustedProxies}
 * ({@link RejectionReason#PROXY_UNTRUSTED}); it then reads the header on its loop, without
 * blocking and without reading a byte past it, and closes the connection if the header is
 * malformed or longer than allowed ({@link RejectionReason#PROXY_MALFORMED}), if the peer
 * closes before a whole header arrived ({@link RejectionReason#PROXY_INCOMPLETE}), or if
 * none arrived within {@code timeout} ({@link RejectionReason#PROXY_TIMEOUT}). Only then
 * does the connection go through {@link AdmissionSettings}, against the client's address
 * from the header, and reach the callback with that address as its remote address
 * ({@link AcceptedConnection} also gives the proxy's). A header without addresses (a
 * {@code LOCAL} command, {@code UNKNOWN} or {@code UNSPEC}) leaves the proxy's address as
 * the remote address, as the specification asks.
 * <p>
 * Unix domain connections have no address to match: only processes that may open the
 * socket file can connect, so they are trusted without a range.
 *
 * @param mode whether a header is required
 * @param trustedProxies peers allowed to send a header; a connection from any other peer is
 * closed. IPv4-mapped addresses match IPv4 ranges
 * @param timeout how long a connection may take to send its whole header
 */
public record ProxyProtocolSettings(ProxyProtocolMode mode, List<CidrRange> trustedProxies, Duration timeout) {

	/** Default time a connection may take to send its header. */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(3);

	/** Longest version 2 header accepted, extensions included. */
	public static final int MAX_HEADER_LENGTH = ProxyHeaderParser.DEFAULT_MAX_LENGTH;

	/** The defaults: no header is read. */
	public static final ProxyProtocolSettings OFF = new ProxyProtocolSettings(ProxyProtocolMode.OFF, List.of(),
			DEFAULT_TIMEOUT);

	/**
	 * Check the settings and copy the ranges.
	 * @throws IllegalArgumentException if the timeout is not positive
	 */
	public ProxyProtocolSettings {
		Objects.requireNonNull(mode, "'mode' must not be null");
		Objects.requireNonNull(trustedProxies, "'trustedProxies' must not be null");
		Objects.requireNonNull(timeout, "'timeout' must not be null");
		trustedProxies = List.copyOf(trustedProxies);
		if (timeout.isNegative() || timeout.isZero()) {
			throw new IllegalArgumentException("'timeout' must be positive, not " + timeout);
		}
	}

	/**
	 * Return whether connections must start with a header.
	 * @return {@code true} when the mode is {@link ProxyProtocolMode#REQUIRED}
	 */
	public boolean isRequired() {
		return this.mode == ProxyProtocolMode.REQUIRED;
	}

	/**
	 * Return whether a peer may send a header.
	 * @param address the peer's address; an IPv4-mapped one matches IPv4 ranges
	 * @return {@code true} if a trusted range contains it
	 */
	public boolean trusts(InetAddress address) {
		byte[] normalized = CidrRange.normalize(address).getAddress();
		for (CidrRange range : this.trustedProxies) {
			if (range.contains(normalized)) {
				return true;
			}
		}
		return false;
	}

}
