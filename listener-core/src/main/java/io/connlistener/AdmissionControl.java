package io.connlistener;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.LongSupplier;

/**
 * Applies a listener's {@link AdmissionSettings} to each accepted connection.
 * <p>
 * {@link #admit} runs on the loop thread only. {@link #release} may run on any thread: the
 * per-IP counts live in the listener's {@link ConnectionCounts}, so a close reported off the
 * loop is visible to the next accept at once, on this listener and on every listener that
 * shares the counts. Created only when the settings check connections, so a listener
 * without rules, cap or rate limit pays nothing per accept.
 */
final class AdmissionControl {

	private final AdmissionRule[] rules;

	private final boolean allowListed;

	private final int maxConnectionsPerIp;

	private final AcceptRateLimiter rateLimiter;

	private final ConnectionCounts counts;

	AdmissionControl(AdmissionSettings settings, ConnectionCounts counts, LongSupplier nanoClock) {
		this.rules = settings.rules().toArray(new AdmissionRule[0]);
		this.allowListed = settings.rules().stream().anyMatch((rule) -> rule.action() == AdmissionRule.Action.ALLOW);
		this.maxConnectionsPerIp = settings.maxConnectionsPerIp();
		this.rateLimiter = (settings.acceptsPerSecond() > 0)
				? new AcceptRateLimiter(settings.acceptsPerSecond(), settings.acceptBurst(), nanoClock) : null;
		this.counts = counts;
	}

	/**
	 * Decide on a connection from an address; return {@code null} to admit it (taking a
	 * per-IP slot and a token), or why it must be closed.
	 */
	RejectionReason admit(SocketAddress remoteAddress) {
		InetAddress address = null;
		boolean capped = this.maxConnectionsPerIp > 0;
		if (remoteAddress instanceof InetSocketAddress inet && (this.rules.length > 0 || capped)) {
			address = CidrRange.normalize(inet.getAddress());
			if (this.rules.length > 0 && !allowedByRules(address.getAddress())) {
				return RejectionReason.DENIED;
			}
			// Checked before the token is taken, so that a capped client costs others nothing.
			if (capped && this.counts.atAddressLimit(address, this.maxConnectionsPerIp)) {
				return RejectionReason.PER_IP_LIMIT;
			}
		}
		if (this.rateLimiter != null && !this.rateLimiter.tryAcquire()) {
			return RejectionReason.RATE_LIMIT;
		}
		if (address != null && capped && !this.counts.tryReserveAddress(address, this.maxConnectionsPerIp)) {
			// Another listener sharing the counts took the last slot meanwhile.
			return RejectionReason.PER_IP_LIMIT;
		}
		return null;
	}

	private boolean allowedByRules(byte[] address) {
		for (AdmissionRule rule : this.rules) {
			if (rule.range().contains(address)) {
				return rule.action() == AdmissionRule.Action.ALLOW;
			}
		}
		return !this.allowListed;
	}

	/**
	 * Give back the per-IP slot an admitted connection from the address took. Does nothing
	 * without a per-IP cap or for an address with no open connection.
	 */
	void release(SocketAddress remoteAddress) {
		if (this.maxConnectionsPerIp > 0 && remoteAddress instanceof InetSocketAddress inet
				&& inet.getAddress() != null) {
			this.counts.releaseAddress(CidrRange.normalize(inet.getAddress()));
		}
	}

}
