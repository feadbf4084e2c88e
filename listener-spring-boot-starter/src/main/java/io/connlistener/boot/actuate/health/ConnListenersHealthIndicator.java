package io.connlistener.boot.actuate.health;

import java.util.LinkedHashMap;
import java.util.Map;

import io.connlistener.ListenerStats;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ManagedConnListener;

import org.springframework.boot.health.contributor.AbstractHealthIndicator;
import org.springframework.boot.health.contributor.Health;
import org.springframework.util.Assert;

/**
 * {@link org.springframework.boot.health.contributor.HealthIndicator} for connection
 * listeners: DOWN when a listener that should be accepting cannot (its loop ended, its
 * channel was closed under it, it could not bind its address again); OUT_OF_SERVICE when
 * one does not take new connections on purpose: disabled by an operator, refusing traffic
 * with the application, stopping, or on its way out during {@code disable-delay} (while it
 * still accepts, so that a load balancer that checks this health takes it out first).
 * Otherwise UP, at {@code max-connections} or pausing after an accept error too. Neither
 * OUT_OF_SERVICE nor DOWN belongs in a liveness probe: a restart fixes neither.
 */
public class ConnListenersHealthIndicator extends AbstractHealthIndicator {

	private final ConnListenerRegistry registry;

	/**
	 * Create an indicator over the given listeners.
	 * @param registry the listeners
	 */
	public ConnListenersHealthIndicator(ConnListenerRegistry registry) {
		super("Connection listener health check failed");
		Assert.notNull(registry, "'registry' must not be null");
		this.registry = registry;
	}

	@Override
	protected void doHealthCheck(Health.Builder builder) {
		boolean down = false;
		boolean outOfService = false;
		for (ManagedConnListener listener : this.registry.all()) {
			Map<String, Object> details = new LinkedHashMap<>();
			details.put("address", listener.describeAddress());
			details.put("state", listener.state().name());
			details.put("enabled", listener.isEnabled());
			details.put("accepting", listener.isAccepting());
			details.put("refusingTraffic", listener.isRefusingTraffic());
			details.put("inService", listener.isInService());
			details.put("activeConnections", listener.activeConnections());
			String failure = failure(listener);
			if (failure != null) {
				details.put("failure", failure);
				down = true;
			}
			outOfService |= !listener.isInService();
			ListenerStats stats = listener.stats();
			ListenerStats.AcceptError lastError = (stats != null) ? stats.lastAcceptError() : null;
			if (lastError != null) {
				details.put("lastAcceptError",
						Map.of("reason", lastError.reason().tag(), "message", String.valueOf(lastError.message()),
								"time", lastError.time().toString()));
			}
			builder.withDetail(listener.name(), details);
		}
		if (down) {
			builder.down();
		}
		else if (outOfService) {
			builder.outOfService();
		}
		else {
			builder.up();
		}
	}

	private static String failure(ManagedConnListener listener) {
		return listener.failure();
	}

}
