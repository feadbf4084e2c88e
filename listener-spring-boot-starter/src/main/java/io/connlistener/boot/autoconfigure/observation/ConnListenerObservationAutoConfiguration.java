package io.connlistener.boot.autoconfigure.observation;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.autoconfigure.ConnListenerProperties;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.boot.observation.ConnListenerObservations;
import io.connlistener.boot.observation.ConnectionSetupObservationConvention;
import io.connlistener.boot.observation.MessageObservationConvention;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBean;
import org.springframework.boot.autoconfigure.condition.ConditionalOnClass;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.context.annotation.Bean;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for {@link ConnListenerObservations}: the {@code conn.listener.connection.setup} and
 * {@code conn.listener.message} observations, in the application's
 * {@link ObservationRegistry}, only when there is one (never a global registry), and only
 * when asked for: {@code conn-listener.connection-observations=true} and
 * {@code conn-listener.message-observations=true}. A
 * {@link ConnectionSetupObservationConvention} or {@link MessageObservationConvention} bean
 * replaces the default convention; {@code management.observations.enable.conn.listener=false}
 * turns the observations off through Spring Boot's own predicate. An
 * {@link ObservationRegistry#NOOP} registry gets no observer at all. It names Boot's
 * observation auto-configuration rather than refer to it, so that the starter does not
 * depend on its module.
 */
@AutoConfiguration(after = ConnListenerAutoConfiguration.class,
		afterName = "org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration")
@ConditionalOnClass(ObservationRegistry.class)
@ConditionalOnBean({ ConnListenerRegistry.class, ObservationRegistry.class })
public final class ConnListenerObservationAutoConfiguration {

	@Bean
	@ConditionalOnMissingBean
	ConnListenerObservations connListenerObservations(ObservationRegistry observationRegistry,
			ConnListenerRegistry registry, ConnListenerProperties properties,
			ObjectProvider<ConnectionSetupObservationConvention> setupConvention,
			ObjectProvider<MessageObservationConvention> messageConvention) {
		// Per connection and per message only when asked for.
		ConnListenerObservations observations = new ConnListenerObservations(observationRegistry,
				setupConvention.getIfUnique(), messageConvention.getIfUnique(), properties.isConnectionObservations());
		if (!observationRegistry.isNoop() && properties.isMessageObservations()) {
			for (ManagedConnListener listener : registry.all()) {
				listener.observeMessages(observations);
			}
		}
		return observations;
	}

}
