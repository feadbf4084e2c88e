package io.connlistener.boot.actuate.health;

import java.util.LinkedHashMap;
import java.util.Map;
import java.util.stream.Stream;

import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ManagedConnListener;

import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.util.Assert;

/**
 * {@link CompositeHealthContributor} for connection listeners: one
 * {@link ConnListenerHealthIndicator} per listener, named as the listener, in configuration
 * order. So {@code /actuator/health/connListeners/echo} shows one listener, and a health
 * group may include {@code connListeners/echo} alone. The composite's status is the
 * health group's aggregate of its components (by default the worst of DOWN, OUT_OF_SERVICE
 * and UP), so a listener taken out on purpose makes it OUT_OF_SERVICE and one that cannot
 * accept makes it DOWN.
 * <p>
 * Unlike Boot's {@code CompositeHealthContributorConfiguration}, which shows a single bean
 * as a plain indicator, this stays a composite with one listener too, so that the path of
 * a listener's health does not depend on how many listeners there are.
 */
public class ConnListenersHealthContributor implements CompositeHealthContributor {

	private final Map<String, ConnListenerHealthIndicator> indicators;

	/**
	 * Create a contributor over the given listeners.
	 * @param registry the listeners
	 */
	public ConnListenersHealthContributor(ConnListenerRegistry registry) {
		Assert.notNull(registry, "'registry' must not be null");
		Map<String, ConnListenerHealthIndicator> indicators = new LinkedHashMap<>();
		for (ManagedConnListener listener : registry.all()) {
			indicators.put(listener.name(), new ConnListenerHealthIndicator(listener));
		}
		this.indicators = indicators;
	}

	@Override
	public HealthContributor getContributor(String name) {
		return this.indicators.get(name);
	}

	@Override
	public Stream<Entry> stream() {
		return this.indicators.entrySet().stream().map((entry) -> new Entry(entry.getKey(), entry.getValue()));
	}

}
