package io.connlistener.boot.listener;

import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.context.ApplicationListener;
import org.springframework.util.Assert;

/**
 * Makes listeners follow the application's {@link ReadinessState}: when it becomes
 * {@link ReadinessState#REFUSING_TRAFFIC} every listener that follows readiness (the
 * default, {@code follow-readiness}) stops accepting, and when it becomes
 * {@link ReadinessState#ACCEPTING_TRAFFIC} they accept again, except those an operator
 * disabled.
 * <p>
 * Until the first readiness event, listeners accept as configured: Spring Boot publishes
 * {@code ACCEPTING_TRAFFIC} only once the application is ready, after listeners started.
 * Boot's web application contexts publish {@code REFUSING_TRAFFIC} first thing on close,
 * so listeners stop accepting before the graceful shutdown of the web server and of the
 * listeners begins.
 */
public final class ConnListenerReadinessListener implements ApplicationListener<AvailabilityChangeEvent<?>> {

	private final ConnListenerRegistry registry;

	/**
	 * Create a listener of readiness changes for the given connection listeners.
	 * @param registry the connection listeners
	 */
	public ConnListenerReadinessListener(ConnListenerRegistry registry) {
		Assert.notNull(registry, "'registry' must not be null");
		this.registry = registry;
	}

	@Override
	public void onApplicationEvent(AvailabilityChangeEvent<?> event) {
		if (event.getState() instanceof ReadinessState readiness) {
			boolean refusing = readiness == ReadinessState.REFUSING_TRAFFIC;
			for (ManagedConnListener listener : this.registry.all()) {
				listener.setRefusingTraffic(refusing);
			}
		}
	}

	@Override
	public boolean supportsAsyncExecution() {
		// Stop accepting before the publisher goes on, as on close.
		return false;
	}

}
