package io.connlistener.boot.autoconfigure.health;

import io.connlistener.boot.actuate.health.ConnListenersHealthContributor;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.listener.ConnListenerRegistry;

import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.health.autoconfigure.contributor.ConditionalOnEnabledHealthIndicator;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for the {@link ConnListenersHealthContributor}, shown as health component
 * {@code connListeners} with one component per listener
 * ({@code /actuator/health/connListeners/<name>});
 * {@code management.health.connlisteners.enabled=false} turns it off.
 */
@AutoConfiguration(after = ConnListenerAutoConfiguration.class)
@ConditionalOnClass({ HealthIndicator.class, ConditionalOnEnabledHealthIndicator.class })
@ConditionalOnBean(ConnListenerRegistry.class)
@ConditionalOnEnabledHealthIndicator("connlisteners")
public final class ConnListenersHealthContributorAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean(name = { "connListenersHealthIndicator", "connListenersHealthContributor" })
	ConnListenersHealthContributor connListenersHealthContributor(ConnListenerRegistry registry) {
		return new ConnListenersHealthContributor(registry);
	}

}
