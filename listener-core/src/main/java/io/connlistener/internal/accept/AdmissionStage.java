package io.connlistener.internal.accept;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.function.LongSupplier;

import io.connlistener.RejectionReason;
import io.connlistener.admission.AdmissionRule;
import io.connlistener.admission.AdmissionSettings;
import io.connlistener.admission.CidrRange;

/**
 * The stage that applies a listener's {@link AdmissionSettings} to the client's address:
 * allow and deny rules (first match wins), a cap per address and an accept rate. Behind a
 * proxy it sees the client's address from the PROXY header.
 * <p>
 * {@link #process} runs on the loop thread. {@link #release} may run on any thread: the
 * per-IP counts live in the listener's {@link Occupancy}, so a close reported off the loop
 * is seen by the next accept at once, on every listener that shares it. Only in the
 * pipeline when the settings check connections, so a listener without rules, cap or rate
 * limit pays nothing per accept.
 */
public final class AdmissionStage implements AcceptStage {

	private final AdmissionRule[] rules;

	private final boolean allowListed;

	private final int maxConnectionsPerIp;

	private final AcceptRateLimiter rateLimiter;

	private final Occupancy occupancy;

	/**
	 * Create the stage.
	 * @param settings what to check
	 * @param occupancy where the per-IP places are counted
	 * @param nanoClock the rate limiter's clock
	 */
	public AdmissionStage(AdmissionSettings settings, Occupancy occupancy, LongSupplier nanoClock) {
		this.rules = settings.rules().toArray(new AdmissionRule[0]);
		this.allowListed = settings.rules().stream().anyMatch((rule) -> rule.action() == AdmissionRule.Action.ALLOW);
		this.maxConnectionsPerIp = settings.maxConnectionsPerIp();
		this.rateLimiter = (settings.acceptsPerSecond() > 0)
				? new AcceptRateLimiter(settings.acceptsPerSecond(), settings.acceptBurst(), nanoClock) : null;
		this.occupancy = occupancy;
	}

	@Override
	public void process(PendingConnection connection) {
		SocketAddress remoteAddress = connection.remoteAddress();
		RejectionReason refused = admit(remoteAddress);
		if (refused != null) {
			connection.reject(refused);
			return;
		}
		if (this.maxConnectionsPerIp > 0) {
			connection.onReject(() -> release(remoteAddress));
		}
		connection.proceed();
	}

	/**
	 * Decide on a connection from an address; return {@code null} to admit it (taking a
	 * per-IP place and a token), or why it must be closed.
	 */
	private RejectionReason admit(SocketAddress remoteAddress) {
		InetAddress address = null;
		boolean capped = this.maxConnectionsPerIp > 0;
		if (remoteAddress instanceof InetSocketAddress inet && (this.rules.length > 0 || capped)) {
			address = CidrRange.normalize(inet.getAddress());
			if (this.rules.length > 0 && !allowedByRules(address.getAddress())) {
				return RejectionReason.DENIED;
			}
			// Checked before the token is taken, so that a capped client costs others nothing.
			if (capped && this.occupancy.heldBy(address) >= this.maxConnectionsPerIp) {
				return RejectionReason.PER_IP_LIMIT;
			}
		}
		if (this.rateLimiter != null && !this.rateLimiter.tryAcquire()) {
			return RejectionReason.RATE_LIMIT;
		}
		if (address != null && capped && !this.occupancy.tryTakeFor(address, this.maxConnectionsPerIp)) {
			// Another listener sharing the occupancy took the last place meanwhile.
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
	 * Give back the per-IP place an admitted connection from the address took. Does nothing
	 * without a per-IP cap or for an address with no open connection.
	 * @param remoteAddress the client's address
	 */
	public void release(SocketAddress remoteAddress) {
		if (this.maxConnectionsPerIp > 0 && remoteAddress instanceof InetSocketAddress inet
				&& inet.getAddress() != null) {
			this.occupancy.releaseFor(CidrRange.normalize(inet.getAddress()));
		}
	}

}
