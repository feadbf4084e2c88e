package io.connlistener.boot.autoconfigure;

import java.io.IOException;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;

import io.connlistener.boot.handler.ConnectionHandlerDiscoverer;
import io.connlistener.boot.listener.ConnListenerCustomizer;
import io.connlistener.boot.listener.ConnListenerLifecycle;
import io.connlistener.boot.listener.ConnListenerPortInfoPublisher;
import io.connlistener.boot.listener.ConnListenerReadinessListener;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ConnectionRegistry;
import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ListenerProblem;
import io.connlistener.boot.listener.sockets.ListenerChannels;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.BeansException;
import org.springframework.beans.factory.DisposableBean;
import org.springframework.beans.factory.ListableBeanFactory;
import org.springframework.beans.factory.ObjectProvider;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.autoconfigure.AutoConfiguration;
import org.springframework.boot.autoconfigure.condition.ConditionalOnBooleanProperty;
import org.springframework.boot.autoconfigure.condition.ConditionalOnMissingBean;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.context.properties.ConfigurationPropertiesBindHandlerAdvisor;
import org.springframework.boot.context.properties.EnableConfigurationProperties;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.boot.thread.Threading;
import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Import;
import org.springframework.core.env.Environment;

/**
 * {@link org.springframework.boot.autoconfigure.EnableAutoConfiguration Auto-configuration}
 * for connection listeners: one {@code <name>ConnListener} bean per entry of
 * {@code conn-listener.listeners}, a {@link ConnListenerRegistry}, a
 * {@link ConnectionRegistry} of their open connections, the event loops they run on, and
 * the {@link ConnListenerLifecycle} that binds them when the context starts and drains them
 * when it stops. TLS listeners take their keys from the application's
 * {@link SslBundles}. {@code conn-listener.enabled=false} turns it all off.
 */
@AutoConfiguration(after = SslAutoConfiguration.class)
@ConditionalOnBooleanProperty(name = ConnListenerProperties.PREFIX + ".enabled", matchIfMissing = true)
@EnableConfigurationProperties(ConnListenerProperties.class)
@Import(ConnListenerBeanRegistrar.class)
public final class ConnListenerAutoConfiguration {

	/**
	 * Name of the loop that accepts connections and runs raw handlers, when
	 * {@code conn-listener.dedicated-acceptor-loop} is true.
	 */
	public static final String ACCEPTOR_LOOP_BEAN_NAME = "connListenerAcceptorLoop";

	/**
	 * Name of the loops that serve buffered connections.
	 */
	public static final String IO_LOOP_GROUP_BEAN_NAME = "connListenerIoLoopGroup";

	private static final String SHUTDOWN_TIMEOUT_PROPERTY = "spring.lifecycle.timeout-per-shutdown-phase";

	private static final Duration DEFAULT_SHUTDOWN_TIMEOUT = Duration.ofSeconds(30);

	/**
	 * Longest wait for the loop threads at shutdown: a healthy loop ends at once, one whose
	 * handler never returns holds its thread but not the shutdown.
	 */
	private static final Duration LOOP_CLOSE_TIMEOUT = Duration.ofMillis(250);

	@Bean
	static ConfigurationPropertiesBindHandlerAdvisor connListenerEmptyValueBindHandlerAdvisor(Environment environment) {
		return (handler) -> new EmptyValueBindHandler(handler, environment);
	}

	// Closed by the LoopCloser bean, within a bound, rather than by close(), which waits.
	@Bean(name = ACCEPTOR_LOOP_BEAN_NAME, destroyMethod = "")
	@ConditionalOnMissingBean(name = ACCEPTOR_LOOP_BEAN_NAME)
	@ConditionalOnBooleanProperty(ConnListenerProperties.PREFIX + ".dedicated-acceptor-loop")
	EventLoop connListenerAcceptorLoop(ConnListenerProperties properties) {
		return new EventLoop("connlistener-acceptor", ListenerDefinitions.checkArrivalBatching(properties));
	}

	@Bean(name = IO_LOOP_GROUP_BEAN_NAME, destroyMethod = "")
	@ConditionalOnMissingBean(name = IO_LOOP_GROUP_BEAN_NAME)
	EventLoopGroup connListenerIoLoopGroup(ConnListenerProperties properties) {
		ListenerDefinitions.checkIoThreads(properties);
		return new EventLoopGroup(properties.getIoThreads(), "connlistener-io",
				ListenerDefinitions.checkArrivalBatching(properties));
	}

	@Bean
	LoopCloser connListenerLoopCloser(@Qualifier(ACCEPTOR_LOOP_BEAN_NAME) ObjectProvider<EventLoop> acceptorLoop,
			@Qualifier(IO_LOOP_GROUP_BEAN_NAME) EventLoopGroup ioLoopGroup) {
		return new LoopCloser(acceptorLoop.getIfAvailable(), ioLoopGroup);
	}

	@Bean
	@ConditionalOnMissingBean
	ConnListenerRegistry connListenerRegistry(ConnListenerProperties properties,
			ObjectProvider<SslBundles> sslBundles) {
		return new ConnListenerRegistry(ListenerDefinitions.of(properties, sslBundles.getIfAvailable()));
	}

	@Bean
	@ConditionalOnMissingBean
	ConnectionRegistry connListenerConnectionRegistry(ConnListenerRegistry registry) {
		return new ConnectionRegistry(registry);
	}

	@Bean
	@ConditionalOnMissingBean
	ConnListenerLifecycle connListenerLifecycle(ConnListenerRegistry registry, ListableBeanFactory beanFactory,
			@Qualifier(ACCEPTOR_LOOP_BEAN_NAME) ObjectProvider<EventLoop> acceptorLoop,
			@Qualifier(IO_LOOP_GROUP_BEAN_NAME) EventLoopGroup ioLoopGroup,
			ObjectProvider<ConnListenerCustomizer> customizers, ApplicationEventPublisher eventPublisher,
			Environment environment) {
		Duration shutdownTimeout = Binder.get(environment)
			.bind(SHUTDOWN_TIMEOUT_PROPERTY, Duration.class)
			.orElse(DEFAULT_SHUTDOWN_TIMEOUT);
		// No acceptor loop (the default): each listener accepts on one of the I/O loops.
		return new ConnListenerLifecycle(registry, new ConnectionHandlerDiscoverer(beanFactory),
				acceptorLoop.getIfAvailable(), ioLoopGroup, customizers, eventPublisher,
				Threading.VIRTUAL.isActive(environment), shutdownTimeout, new BeanChannels(beanFactory));
	}

	@Bean
	@ConditionalOnMissingBean
	ConnListenerReadinessListener connListenerReadinessListener(ConnListenerRegistry registry) {
		return new ConnListenerReadinessListener(registry);
	}

	@Bean
	ConnListenerPortInfoPublisher connListenerPortInfoPublisher(ApplicationContext context) {
		return new ConnListenerPortInfoPublisher(context);
	}

	/**
	 * Closes the loops when the context is destroyed, after every listener has stopped,
	 * waiting a bounded time for their threads, so that a handler that never returns holds
	 * its thread but not the shutdown.
	 */
	static final class LoopCloser implements DisposableBean {

		private static final Log logger = LogFactory.getLog(LoopCloser.class);

		private final EventLoop acceptorLoop;

		private final EventLoopGroup ioLoopGroup;

		LoopCloser(EventLoop acceptorLoop, EventLoopGroup ioLoopGroup) {
			this.acceptorLoop = acceptorLoop;
			this.ioLoopGroup = ioLoopGroup;
		}

		@Override
		public void destroy() {
			boolean ended = this.ioLoopGroup.close(LOOP_CLOSE_TIMEOUT);
			if (this.acceptorLoop != null) {
				ended &= this.acceptorLoop.close(LOOP_CLOSE_TIMEOUT);
			}
			if (!ended) {
				logger.warn("Conn listener loops still running " + LOOP_CLOSE_TIMEOUT.toMillis()
						+ " ms after shutdown, left to end with the JVM: a handler on them does not return");
			}
		}

	}

	/**
	 * Channel beans from the bean factory, looked up when the listener binds.
	 */
	private static final class BeanChannels implements ListenerChannels {

		private final ListableBeanFactory beanFactory;

		BeanChannels(ListableBeanFactory beanFactory) {
			this.beanFactory = beanFactory;
		}

		@Override
		public ServerSocketChannel bean(ListenerDefinition definition) {
			String name = definition.deployment().channelBean();
			Object bean;
			try {
				bean = this.beanFactory.getBean(name);
			}
			catch (BeansException ex) {
				// Not the cause: Boot's analysis of a missing bean would take the place of ours.
				throw notAdoptable(ListenerProblem.NO_SUCH_CHANNEL_BEAN, definition);
			}
			if (!(bean instanceof ServerSocketChannel channel)) {
				throw notAdoptable(ListenerProblem.NOT_A_CHANNEL_BEAN, definition, bean.getClass().getName());
			}
			if (!channel.isOpen() || !isBound(channel)) {
				throw notAdoptable(
						channel.isOpen() ? ListenerProblem.UNBOUND_CHANNEL_BEAN : ListenerProblem.CLOSED_CHANNEL_BEAN,
						definition);
			}
			return channel;
		}

		private static ListenerConfigurationException notAdoptable(ListenerProblem problem,
				ListenerDefinition definition, Object... details) {
			return new ListenerConfigurationException(problem, definition.name(), null, "channel-bean",
					definition.deployment().channelBean(), details);
		}

		private static boolean isBound(ServerSocketChannel channel) {
			try {
				return channel.getLocalAddress() != null;
			}
			catch (IOException ex) {
				return false;
			}
		}

	}

}
