package io.connlistener.boot.autoconfigure;

import java.time.Duration;

import io.connlistener.boot.handler.ConnectionHandlerDiscoverer;
import io.connlistener.boot.listener.ConnListenerCustomizer;
import io.connlistener.boot.listener.ConnListenerLifecycle;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;

import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for connection listeners: one {@code <name>ConnListener} bean per entry of
 * {@code conn-listener.listeners}, a {@link ConnListenerRegistry}, the event loops they run
 * on, and the {@link ConnListenerLifecycle} that binds them when the context starts and
 * drains them when it stops. {@code conn-listener.enabled=false} turns it all off.
 */
@AutoConfiguration
@ConditionalOnBooleanProperty(name = ConnListenerProperties.PREFIX + ".enabled", matchIfMissing = true)
@EnableConfigurationProperties(ConnListenerProperties.class)
@Import(ConnListenerBeanRegistrar.class)
public final class ConnListenerAutoConfiguration {

	/**
	 * Name of the loop that accepts connections and runs raw handlers.
	 */
	public static final String ACCEPTOR_LOOP_BEAN_NAME = "connListenerAcceptorLoop";

	/**
	 * Name of the loops that serve buffered connections.
	 */
	public static final String IO_LOOP_GROUP_BEAN_NAME = "connListenerIoLoopGroup";

	private static final String SHUTDOWN_TIMEOUT_PROPERTY = "spring.lifecycle.timeout-per-shutdown-phase";

	private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

	@Bean(name = ACCEPTOR_LOOP_BEAN_NAME, destroyMethod = "close")
	@ConditionalOnMissingBean(name = ACCEPTOR_LOOP_BEAN_NAME)
	EventLoop connListenerAcceptorLoop() {
		return new EventLoop("connlistener-acceptor");
	}

	@Bean(name = IO_LOOP_GROUP_BEAN_NAME, destroyMethod = "close")
	@ConditionalOnMissingBean(name = IO_LOOP_GROUP_BEAN_NAME)
	EventLoopGroup connListenerIoLoopGroup(ConnListenerProperties properties) {
		ListenerDefinitions.checkIoThreads(properties);
		return new EventLoopGroup(properties.getIoThreads(), "connlistener-io");
	}

	@Bean
	@ConditionalOnMissingBean
	ConnListenerRegistry connListenerRegistry(ConnListenerProperties properties) {
		return new ConnListenerRegistry(ListenerDefinitions.of(properties));
	}

	@Bean
	@ConditionalOnMissingBean
	ConnListenerLifecycle connListenerLifecycle(ConnListenerRegistry registry, ListableBeanFactory beanFactory,
			@Qualifier(ACCEPTOR_LOOP_BEAN_NAME) EventLoop acceptorLoop,
			@Qualifier(IO_LOOP_GROUP_BEAN_NAME) EventLoopGroup ioLoopGroup,
			ObjectProvider<ConnListenerCustomizer> customizers, ApplicationEventPublisher eventPublisher,
			Environment environment) {
		Duration shutdownTimeout = Binder.get(environment)
			.bind(SHUTDOWN_TIMEOUT_PROPERTY, Duration.class)
			.orElse(DEFAULT_SHUTDOWN_TIMEOUT);
		return new ConnListenerLifecycle(registry, new ConnectionHandlerDiscoverer(beanFactory), acceptorLoop,
				ioLoopGroup, customizers, eventPublisher, Threading.VIRTUAL.isActive(environment), shutdownTimeout);
	}

}
