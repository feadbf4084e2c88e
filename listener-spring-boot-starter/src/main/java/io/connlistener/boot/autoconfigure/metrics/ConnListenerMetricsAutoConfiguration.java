package io.connlistener.boot.autoconfigure.metrics;

import io.connlistener.boot.actuate.metrics.ConnListenerMetrics;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for {@link ConnListenerMetrics}: a {@link MeterBinder} that Spring Boot's metrics support
 * binds to every meter registry. As Boot's own binders, it runs after the meter registries
 * are defined and backs off without one; it names Boot's metrics auto-configurations
 * rather than refer to them, so that the starter does not depend on their module.
 */
@AutoConfiguration(after = ConnListenerAutoConfiguration.class,
		afterName = { "org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration",
				"org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration" })
@ConditionalOnClass({ MeterRegistry.class, MeterBinder.class })
@ConditionalOnBean({ ConnListenerRegistry.class, MeterRegistry.class })
public final class ConnListenerMetricsAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ConnListenerMetrics connListenerMetrics(ConnListenerRegistry registry) {
		return new ConnListenerMetrics(registry);
	}

}
