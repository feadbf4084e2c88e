package io.connlistener.admission;

import java.util.List;
import java.util.Objects;

/**
 * Which connections a {@link io.connlistener.ConnListener ConnListener} admits, checked on
 * the loop thread right after {@code accept} and before any callback (or
 * {@link io.connlistener.ListenerOption#DEFERRED_ACCEPT DEFERRED_ACCEPT} wait) sees the
 * connection, and what it does when it runs out of file descriptors. Beyond libevent.
 * Immutable. A listener that {@linkplain io.connlistener.proxy.ProxyProtocolSettings requires
 * a PROXY header} checks them once the header is read, against the client's address from it.
 * <p>
 * A connection is checked in this order, and the first check that fails closes it at once
 * and counts it in {@link io.connlistener.ListenerStats#rejections(io.connlistener.RejectionReason)
 * ListenerStats.rejections(RejectionReason)}:
 * <ol>
 * <li>the {@code rules}, in order, first match wins; when none matches the client is denied
 * if there is at least one {@link AdmissionRule.Action#ALLOW} rule and admitted otherwise
 * ({@link io.connlistener.RejectionReason#DENIED DENIED});</li>
 * <li>the per-IP cap: the client's address already has {@code maxConnectionsPerIp}
 * connections open ({@link io.connlistener.RejectionReason#PER_IP_LIMIT PER_IP_LIMIT});</li>
 * <li>the accept rate: no token left in the bucket
 * ({@link io.connlistener.RejectionReason#RATE_LIMIT RATE_LIMIT}).</li>
 * </ol>
 * IPv4-mapped IPv6 addresses are checked as IPv4. Unix domain connections have no address:
 * the rules and the per-IP cap do not apply to them, the rate limit does. A denied or
 * capped connection takes no token.
 * <p>
 * Over the rate limit a connection is accepted and closed at once rather than left in the
 * listen queue until a token is due: the client gets a prompt close instead of a hang, the
 * work is one accept and one close per refused connection (bounded by the offered load and
 * {@link io.connlistener.ListenerSettings#maxAcceptsPerWakeup() maxAcceptsPerWakeup()} per
 * wakeup), and the listener never waits or polls for a token, so it cannot spin. Without
 * rules, cap or rate limit nothing is checked per accept; the per-IP counts are kept only
 * when a cap is set.
 * <p>
 * The spare file descriptor (an open {@code /dev/null}, one per listener) is released when
 * accept fails with {@code EMFILE} or {@code ENFILE}; the listener then accepts and closes
 * what waits in its listen queue (at most 1024 connections), takes the spare back, and
 * pauses for the accept-error backoff as without it. Those connections are counted as
 * {@link io.connlistener.RejectionReason#NO_FILE_DESCRIPTORS NO_FILE_DESCRIPTORS}. A client
 * that connects during the pause is closed when it ends, so within
 * {@link io.connlistener.ListenerSettings#backoffMax() backoffMax()}.
 *
 * @param rules allow and deny rules, first match wins; empty to admit every address
 * @param maxConnectionsPerIp most connections open at once from one client address
 * (admitted and not yet
 * {@linkplain io.connlistener.ConnListener#connectionClosed(java.net.SocketAddress) reported
 * closed with the address}); 0 for no cap
 * @param acceptsPerSecond most connections admitted per second on average (a token
 * bucket); 0 for no limit
 * @param acceptBurst most connections admitted at once after a quiet period (the bucket's
 * size); 0 picks one second's worth ({@code acceptsPerSecond} rounded up, at least 1)
 * @param spareFileDescriptor whether the listener holds a spare file descriptor to accept
 * and close connections promptly when the process runs out of descriptors
 */
public record AdmissionSettings(List<AdmissionRule> rules, int maxConnectionsPerIp, double acceptsPerSecond,
		int acceptBurst, boolean spareFileDescriptor) {

	/** Default per-IP cap: none. */
	public static final int DEFAULT_MAX_CONNECTIONS_PER_IP = 0;

	/** Default accept rate limit: none. */
	public static final double DEFAULT_ACCEPTS_PER_SECOND = 0;

	/** Default burst: one second's worth of the rate. */
	public static final int DEFAULT_ACCEPT_BURST = 0;

	/** Default for the spare file descriptor: held where the platform has {@code /dev/null}. */
	public static final boolean DEFAULT_SPARE_FILE_DESCRIPTOR = true;

	/** Most connections per second a limit may allow: one per nanosecond. */
	public static final double MAX_ACCEPTS_PER_SECOND = 1e9;

	/** The defaults: every connection admitted, a spare file descriptor held. */
	public static final AdmissionSettings DEFAULTS = new AdmissionSettings(List.of(), DEFAULT_MAX_CONNECTIONS_PER_IP,
			DEFAULT_ACCEPTS_PER_SECOND, DEFAULT_ACCEPT_BURST, DEFAULT_SPARE_FILE_DESCRIPTOR);

	/**
	 * Check the settings, copy the rules and resolve a burst of 0.
	 * @throws IllegalArgumentException if a value is out of range
	 */
	public AdmissionSettings {
		Objects.requireNonNull(rules, "'rules' must not be null");
		rules = List.copyOf(rules);
		if (maxConnectionsPerIp < 0) {
			throw new IllegalArgumentException(
					"'maxConnectionsPerIp' must be 0 (no cap) or more, not " + maxConnectionsPerIp);
		}
		if (!(acceptsPerSecond >= 0 && acceptsPerSecond <= MAX_ACCEPTS_PER_SECOND)) {
			throw new IllegalArgumentException("'acceptsPerSecond' must be 0 (no limit) or more, up to "
					+ MAX_ACCEPTS_PER_SECOND + ", not " + acceptsPerSecond);
		}
		if (acceptBurst < 0) {
			throw new IllegalArgumentException("'acceptBurst' must be 0 (one second's worth) or more, not " + acceptBurst);
		}
		if (acceptsPerSecond > 0 && acceptBurst == 0) {
			acceptBurst = (int) Math.max(1, Math.min(Integer.MAX_VALUE, Math.ceil(acceptsPerSecond)));
		}
	}

	/**
	 * Return whether any connection may be refused by these settings, so that the listener
	 * must check each one. When {@code false} the accept path does no admission work at all.
	 * @return {@code true} if there are rules, a per-IP cap or a rate limit
	 */
	public boolean checksConnections() {
		return !this.rules.isEmpty() || this.maxConnectionsPerIp > 0 || this.acceptsPerSecond > 0;
	}

}
