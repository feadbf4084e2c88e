package io.connlistener;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.LongSupplier;

/**
 * Applies a listener's {@link AdmissionSettings} to each accepted connection.
 * <p>
 * {@link #admit} runs on the loop thread only. {@link #release} may run on any thread: the
 * per-IP counts live in a concurrent map, so a close reported off the loop is visible to the
 * next accept at once. Created only when the settings check connections, so a listener
 * without rules, cap or rate limit pays nothing per accept.
 */
final class AdmissionControl {

	private final AdmissionRule[] rules;

	private final boolean allowListed;

	private final int maxConnectionsPerIp;

	private final AcceptRateLimiter rateLimiter;

	private final Map<InetAddress, Integer> connectionsPerIp;

	AdmissionControl(AdmissionSettings settings, LongSupplier nanoClock) {
		this.rules = settings.rules().toArray(new AdmissionRule[0]);
		this.allowListed = settings.rules().stream().anyMatch((rule) -> rule.action() == AdmissionRule.Action.ALLOW);
		this.maxConnectionsPerIp = settings.maxConnectionsPerIp();
		this.rateLimiter = (settings.acceptsPerSecond() > 0)
				? new AcceptRateLimiter(settings.acceptsPerSecond(), settings.acceptBurst(), nanoClock) : null;
		this.connectionsPerIp = (this.maxConnectionsPerIp > 0) ? new ConcurrentHashMap<>() : null;
	}

	/**
	 * Decide on a connection from an address; return {@code null} to admit it (taking a
	 * per-IP slot and a token), or why it must be closed.
	 */
	RejectionReason admit(SocketAddress remoteAddress) {
		InetAddress address = null;
		if (remoteAddress instanceof InetSocketAddress inet && (this.rules.length > 0 || this.connectionsPerIp != null)) {
			address = CidrRange.normalize(inet.getAddress());
			if (this.rules.length > 0 && !allowedByRules(address.getAddress())) {
				return RejectionReason.DENIED;
			}
			if (this.connectionsPerIp != null) {
				Integer open = this.connectionsPerIp.get(address);
				if (open != null && open >= this.maxConnectionsPerIp) {
					return RejectionReason.PER_IP_LIMIT;
				}
			}
		}
		if (this.rateLimiter != null && !this.rateLimiter.tryAcquire()) {
			return RejectionReason.RATE_LIMIT;
		}
		if (address != null && this.connectionsPerIp != null) {
			this.connectionsPerIp.merge(address, 1, Integer::sum);
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
		if (this.connectionsPerIp != null && remoteAddress instanceof InetSocketAddress inet
				&& inet.getAddress() != null) {
			this.connectionsPerIp.computeIfPresent(CidrRange.normalize(inet.getAddress()),
					(address, open) -> (open > 1) ? open - 1 : null);
		}
	}

	/**
	 * Return how many admitted connections from an address are open, as far as the per-IP
	 * cap knows; 0 without a cap.
	 */
	int connectionsFrom(InetAddress address) {
		if (this.connectionsPerIp == null) {
			return 0;
		}
		return this.connectionsPerIp.getOrDefault(CidrRange.normalize(address), 0);
	}

}
