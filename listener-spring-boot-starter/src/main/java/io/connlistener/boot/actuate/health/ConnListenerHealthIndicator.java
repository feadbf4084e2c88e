package io.connlistener.boot.actuate.health;

import java.util.LinkedHashMap;
import java.util.Map;

import io.connlistener.ListenerStats;
import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.boot.listener.tls.BundleCertificate;
import io.connlistener.boot.listener.tls.ListenerTls;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.Assert;

/**
 * {@link org.springframework.boot.health.contributor.HealthIndicator} for one connection
 * listener, a component of {@link ConnListenersHealthContributor}: DOWN when the listener
 * should be accepting but cannot (its loop ended, its channel was closed under it, it could
 * not bind its address again); OUT_OF_SERVICE when it does not take new connections on
 * purpose: disabled by an operator, refusing traffic with the application, stopping, or on
 * its way out during {@code disable-delay} (while it still accepts, so that a load balancer
 * that checks this health takes it out first). Otherwise UP, at {@code max-connections} or
 * pausing after an accept error too. Neither OUT_OF_SERVICE nor DOWN belongs in a liveness
 * probe: a restart fixes neither. A TLS listener shows the certificate of each SSL bundle it
 * serves, with its expiry ({@code notAfter}); an expiring or expired certificate leaves the
 * status as it is, as a restart would not renew it.
 * <p>
 * Safe to call from any thread: it reads the listener's state, which changes meanwhile.
 */
public class ConnListenerHealthIndicator extends AbstractHealthIndicator {

	private final ManagedConnListener listener;

	/**
	 * Create an indicator for the given listener.
	 * @param listener the listener
	 */
	public ConnListenerHealthIndicator(ManagedConnListener listener) {
		super("Connection listener health check failed");
		Assert.notNull(listener, "'listener' must not be null");
		this.listener = listener;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		ManagedConnListener listener = this.listener;
		builder.withDetail("address", listener.describeAddress())
			.withDetail("state", listener.state().name())
			.withDetail("enabled", listener.isEnabled())
			.withDetail("accepting", listener.isAccepting())
			.withDetail("refusingTraffic", listener.isRefusingTraffic())
			.withDetail("inService", listener.isInService())
			.withDetail("activeConnections", listener.activeConnections());
		String failure = listener.failure();
		if (failure != null) {
			builder.withDetail("failure", failure);
		}
		ListenerStats stats = listener.stats();
		ListenerStats.AcceptError lastError = (stats != null) ? stats.lastAcceptError() : null;
		if (lastError != null) {
			builder.withDetail("lastAcceptError", Map.of("reason", lastError.reason().tag(), "message",
					String.valueOf(lastError.message()), "time", lastError.time().toString()));
		}
		ListenerTls tls = listener.definition().tls();
		if (tls != null) {
			// An expiring certificate is no failure of the listener: it shows, and the status stays.
			Map<String, Object> certificates = new LinkedHashMap<>();
			tls.bundles().forEach((name, bundle) -> certificates.put(name, certificate(bundle.certificate())));
			builder.withDetail("certificates", certificates);
		}
		if (failure != null) {
			builder.down();
		}
		else if (!listener.isInService()) {
			builder.outOfService();
		}
		else {
			builder.up();
		}
	}

	private static Map<String, Object> certificate(BundleCertificate certificate) {
		Map<String, Object> details = new LinkedHashMap<>();
		details.put("subject", certificate.subject());
		details.put("serialNumber", certificate.serialNumber());
		details.put("notAfter", certificate.notAfter().toString());
		return details;
	}

}
