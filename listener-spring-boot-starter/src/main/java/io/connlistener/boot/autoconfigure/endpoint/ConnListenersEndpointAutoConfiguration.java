package io.connlistener.boot.autoconfigure.endpoint;

import io.connlistener.boot.actuate.endpoint.ConnListenersEndpoint;
import io.connlistener.boot.actuate.endpoint.ConnListenersEndpointWebExtension;
import io.connlistener.boot.actuate.endpoint.ConnListenersRequestBodyExceptionResolver;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.listener.ConnListenerRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.actuate.autoconfigure.endpoint.condition.ConditionalOnAvailableEndpoint;
import org.springframework.boot.actuate.endpoint.EndpointId;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.PathMappedEndpoints;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnWebApplication;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.web.servlet.HandlerExceptionResolver;

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
	ConnListenersEndpoint connListenersEndpoint(ConnListenerRegistry registry,
			ApplicationEventPublisher eventPublisher) {
		return new ConnListenersEndpoint(registry, eventPublisher);
	}

	@Bean
	@ConditionalOnMissingBean
	@ConditionalOnBean(ConnListenersEndpoint.class)
	ConnListenersEndpointWebExtension connListenersEndpointWebExtension(ConnListenersEndpoint endpoint) {
		return new ConnListenersEndpointWebExtension(endpoint);
	}

	/**
	 * Explains a write whose body Spring MVC cannot read, which fails before the endpoint runs.
	 */
	@Configuration(proxyBeanMethods = false)
	@ConditionalOnWebApplication(type = ConditionalOnWebApplication.Type.SERVLET)
	@ConditionalOnClass(HandlerExceptionResolver.class)
	static class ServletRequestBodyConfiguration {

		@Bean
		@ConditionalOnMissingBean
		ConnListenersRequestBodyExceptionResolver connListenersRequestBodyExceptionResolver(
				ObjectProvider<PathMappedEndpoints> endpoints) {
			// Looked up when a request fails: the paths are known once the web endpoints are.
			return new ConnListenersRequestBodyExceptionResolver(() -> {
				PathMappedEndpoints paths = endpoints.getIfAvailable();
				return (paths != null) ? paths.getPath(EndpointId.of(ConnListenersEndpoint.ID)) : null;
			});
		}

	}

}
