package io.connlistener.boot.autoconfigure.endpoint;

import io.connlistener.boot.actuate.endpoint.ConnListenersEndpoint;
import io.connlistener.boot.actuate.endpoint.ConnListenersEndpointWebExtension;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ConnectionRegistry;

import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for the {@link ConnListenersEndpoint}: present when Actuator is on the classpath and the
 * endpoint is available (enabled and exposed).
 */
@AutoConfiguration(after = ConnListenerAutoConfiguration.class)
@ConditionalOnClass({ Endpoint.class, ConditionalOnAvailableEndpoint.class })
@ConditionalOnBean(ConnListenerRegistry.class)
@ConditionalOnAvailableEndpoint(ConnListenersEndpoint.class)
public final class ConnListenersEndpointAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ConnListenersEndpoint connListenersEndpoint(ConnListenerRegistry registry, ConnectionRegistry connections,
			ApplicationEventPublisher eventPublisher) {
		return new ConnListenersEndpoint(registry, connections, eventPublisher);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ConnListenersEndpoint.class)
	ConnListenersEndpointWebExtension connListenersEndpointWebExtension(ConnListenersEndpoint endpoint) {
		return new ConnListenersEndpointWebExtension(endpoint);
	}

}
