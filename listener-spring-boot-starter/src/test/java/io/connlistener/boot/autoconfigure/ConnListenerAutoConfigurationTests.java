package io.connlistener.boot.autoconfigure;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.connlistener.AcceptCallback;
import io.connlistener.ListenerOption;
import io.connlistener.ListenerSettings;
import io.connlistener.admission.AdmissionRule;
import io.connlistener.admission.AdmissionSettings;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.listener.ConnListenerCustomizer;
import io.connlistener.boot.listener.ConnListenerLifecycle;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.boot.testsupport.TestHandlers;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConnListenerAutoConfiguration}.
 */
@Timeout(60)
class ConnListenerAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.defaults.address=127.0.0.1");

	@Test
	void noListenersConfiguredGivesEmptyRegistry() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context).hasSingleBean(ConnListenerRegistry.class);
			assertThat(context).hasSingleBean(ConnListenerLifecycle.class);
			assertThat(context).hasBean("connListenerIoLoopGroup").doesNotHaveBean("connListenerAcceptorLoop");
			assertThat(context.getBean(ConnListenerRegistry.class).names()).isEmpty();
			assertThat(context).doesNotHaveBean(ManagedConnListener.class);
		});
	}

	@Test
	void theLoopsTakeTheArrivalBatching() {
		this.contextRunner.run((context) -> assertThat(context.getBean(EventLoopGroup.class).loops())
			.extracting(EventLoop::arrivalBatching)
			.containsOnly(EventLoop.DEFAULT_ARRIVAL_BATCHING));
		this.contextRunner
			.withPropertyValues("conn-listener.io-threads=2", "conn-listener.arrival-batching=0",
					"conn-listener.dedicated-acceptor-loop=true")
			.run((context) -> {
				assertThat(context.getBean(EventLoopGroup.class).loops()).hasSize(2)
					.extracting(EventLoop::arrivalBatching)
					.containsOnly(Duration.ZERO);
				assertThat(context.getBean("connListenerAcceptorLoop", EventLoop.class).arrivalBatching())
					.isEqualTo(Duration.ZERO);
			});
	}

	@Test
	void oneBeanPerListenerBoundWhenTheContextStarts() {
		this.contextRunner.withUserConfiguration(TwoGreeters.class)
			.withPropertyValues("conn-listener.listeners.alpha.port=0", "conn-listener.listeners.beta.port=0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context.getBeansOfType(ManagedConnListener.class)).containsOnlyKeys("alphaConnListener",
						"betaConnListener");
				ConnListenerRegistry registry = context.getBean(ConnListenerRegistry.class);
				assertThat(registry.names()).containsExactly("alpha", "beta");
				ManagedConnListener alpha = context.getBean("alphaConnListener", ManagedConnListener.class);
				assertThat(alpha).isSameAs(registry.get("alpha"));
				assertThat(registry.all()).extracting(ManagedConnListener::state)
					.containsOnly(ManagedConnListener.State.RUNNING);
				assertThat(((InetSocketAddress) alpha.localAddress()).getPort()).isPositive();
				try (LoopbackClient client = LoopbackClient.connect(alpha.localAddress())) {
					assertThat(client.readLine()).isEqualTo("alpha");
				}
				try (LoopbackClient client = LoopbackClient.connect(registry.get("beta").localAddress())) {
					assertThat(client.readLine()).isEqualTo("beta");
				}
			});
	}

	@Test
	void listenerTakesTheDefaultsItDoesNotOverride() {
		this.contextRunner.withUserConfiguration(TwoGreeters.class)
			.withPropertyValues("conn-listener.defaults.max-connections=7", "conn-listener.defaults.backlog=128",
					"conn-listener.defaults.accept-error-backoff.max=2s", "conn-listener.defaults.enabled=false",
					"conn-listener.listeners.alpha.port=0", "conn-listener.listeners.beta.port=0",
					"conn-listener.listeners.beta.max-connections=3", "conn-listener.listeners.beta.enabled=true",
					"conn-listener.listeners.beta.options=reuseable,deferred-accept",
					"conn-listener.listeners.beta.accept-error-backoff.initial=20ms",
					"conn-listener.listeners.beta.max-accepts-per-wakeup=4",
					"conn-listener.listeners.beta.deferred-accept-timeout=5s")
			.run((context) -> {
				ConnListenerRegistry registry = context.getBean(ConnListenerRegistry.class);
				ListenerDefinition alpha = registry.get("alpha").definition();
				assertThat(alpha.maxConnections()).isEqualTo(7);
				assertThat(alpha.backlog()).isEqualTo(128);
				assertThat(alpha.options()).containsExactlyInAnyOrder(ListenerOption.REUSEABLE,
						ListenerOption.CLOSE_ON_FREE, ListenerOption.DISABLED);
				assertThat(alpha.settings()).isEqualTo(new ListenerSettings(
						ListenerSettings.DEFAULT_MAX_ACCEPTS_PER_WAKEUP, ListenerSettings.DEFAULT_BACKOFF_INITIAL,
						Duration.ofSeconds(2), ListenerSettings.DEFAULT_DEFERRED_ACCEPT_TIMEOUT, 7,
						ListenerSettings.DEFAULT_RESUME_CONNECTIONS, ListenerSettings.DEFAULT_LIMIT_ACTION));
				assertThat(registry.get("alpha").isEnabled()).isFalse();
				assertThat(registry.get("alpha").listener().isEnabled()).isFalse();
				ListenerDefinition beta = registry.get("beta").definition();
				assertThat(beta.maxConnections()).isEqualTo(3);
				assertThat(beta.backlog()).isEqualTo(128);
				assertThat(beta.options()).containsExactlyInAnyOrder(ListenerOption.REUSEABLE,
						ListenerOption.DEFERRED_ACCEPT);
				assertThat(beta.settings()).isEqualTo(new ListenerSettings(4, Duration.ofMillis(20),
						Duration.ofSeconds(2), Duration.ofSeconds(5), 3, ListenerSettings.DEFAULT_RESUME_CONNECTIONS,
						ListenerSettings.DEFAULT_LIMIT_ACTION));
				assertThat(registry.get("beta").listener().isEnabled()).isTrue();
				assertThat(((InetSocketAddress) beta.address()).getAddress().getHostAddress()).isEqualTo("127.0.0.1");
			});
	}

	@Test
	void limitAdmissionTimeoutAndBufferPropertiesReachTheCoreListener() {
		this.contextRunner.withUserConfiguration(TwoGreeters.class)
			.withPropertyValues("conn-listener.defaults.max-connections=100",
					"conn-listener.defaults.max-connections-action=close",
					"conn-listener.defaults.admission.rules=deny 10.1.0.0/16, allow 10.0.0.0/8",
					"conn-listener.defaults.admission.accept-rate=50", "conn-listener.defaults.idle-timeout=30s",
					"conn-listener.defaults.buffered.write-high-watermark=128KB",
					"conn-listener.listeners.alpha.port=0", "conn-listener.listeners.beta.port=0",
					"conn-listener.listeners.beta.max-connections-action=pause",
					"conn-listener.listeners.beta.max-connections-resume=60",
					"conn-listener.listeners.beta.admission.rules[0]=allow 127.0.0.0/8",
					"conn-listener.listeners.beta.admission.max-connections-per-ip=4",
					"conn-listener.listeners.beta.admission.accept-rate=0.5",
					"conn-listener.listeners.beta.admission.accept-burst=3",
					"conn-listener.listeners.beta.spare-file-descriptor=false",
					"conn-listener.listeners.beta.idle-timeout=0", "conn-listener.listeners.beta.write-timeout=10s",
					"conn-listener.listeners.beta.buffered.read-high-watermark=1MB",
					"conn-listener.listeners.beta.buffered.read-buffer-size=4KB",
					"conn-listener.listeners.beta.buffered.write-low-watermark=0")
			.run((context) -> {
				ConnListenerRegistry registry = context.getBean(ConnListenerRegistry.class);
				ManagedConnListener alpha = registry.get("alpha");
				assertThat(alpha.listener().settings().limitAction()).isEqualTo(ListenerSettings.LimitAction.CLOSE);
				assertThat(alpha.listener().settings().effectiveResumeConnections()).isEqualTo(90);
				assertThat(alpha.listener().admission()).isEqualTo(new AdmissionSettings(
						List.of(AdmissionRule.deny("10.1.0.0/16"), AdmissionRule.allow("10.0.0.0/8")), 0, 50, 50,
						true));
				assertThat(alpha.listener().hasSpareFileDescriptor()).isTrue();
				assertThat(alpha.definition().idleTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(alpha.definition().writeTimeout()).isEqualTo(Duration.ofSeconds(30));
				assertThat(alpha.definition().buffered()).isEqualTo(BufferedConnectionSettings.DEFAULTS
					.withWriteWatermarks(8 * 1024, 128 * 1024)
					.withTimeouts(null, Duration.ofSeconds(30))
					.withIdleTimeout(Duration.ofSeconds(30)));
				ManagedConnListener beta = registry.get("beta");
				assertThat(beta.listener().settings().limitAction()).isEqualTo(ListenerSettings.LimitAction.PAUSE);
				assertThat(beta.listener().settings().effectiveResumeConnections()).isEqualTo(60);
				assertThat(beta.listener().admission()).isEqualTo(
						new AdmissionSettings(List.of(AdmissionRule.allow("127.0.0.0/8")), 4, 0.5, 3, false));
				assertThat(beta.listener().hasSpareFileDescriptor()).isFalse();
				assertThat(beta.definition().idleTimeout()).isNull();
				assertThat(beta.definition().writeTimeout()).isEqualTo(Duration.ofSeconds(10));
				assertThat(beta.definition().buffered()).isEqualTo(BufferedConnectionSettings.DEFAULTS
					.withReadBufferSize(4 * 1024)
					.withReadHighWatermark(1024 * 1024)
					.withWriteWatermarks(0, 128 * 1024)
					.withTimeouts(null, Duration.ofSeconds(10)));
				try (LoopbackClient client = LoopbackClient.connect(beta.localAddress())) {
					assertThat(client.readLine()).isEqualTo("beta");
				}
			});
	}

	@Test
	void backsOffWhenDisabled() {
		this.contextRunner.withUserConfiguration(TwoGreeters.class)
			.withPropertyValues("conn-listener.enabled=false", "conn-listener.listeners.alpha.port=0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				assertThat(context).doesNotHaveBean(ConnListenerRegistry.class);
				assertThat(context).doesNotHaveBean(ConnListenerLifecycle.class);
				assertThat(context).doesNotHaveBean(EventLoop.class);
				assertThat(context).doesNotHaveBean("alphaConnListener");
			});
	}

	@Test
	void userDefinedBeansWin() {
		this.contextRunner.withUserConfiguration(UserBeans.class).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(context.getBean("connListenerIoLoopGroup")).isSameAs(context.getBean(UserBeans.class).group);
			assertThat(context.getBean(ConnListenerRegistry.class).names()).containsExactly("mine");
			assertThat(context.getBean(ConnListenerRegistry.class).get("mine").state())
				.isEqualTo(ManagedConnListener.State.RUNNING);
		});
	}

	@Test
	void startsWithoutActuatorOrMicrometer() {
		this.contextRunner.withClassLoader(new FilteredClassLoader("org.springframework.boot.actuate", "io.micrometer"))
			.withUserConfiguration(TwoGreeters.class)
			.withPropertyValues("conn-listener.listeners.alpha.port=0", "conn-listener.listeners.beta.port=0")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (LoopbackClient client = LoopbackClient
					.connect(context.getBean(ConnListenerRegistry.class).get("alpha").localAddress())) {
					assertThat(client.readLine()).isEqualTo("alpha");
				}
			});
	}

	@Test
	void customizersRunInOrderBeforeEachListenerBinds() {
		this.contextRunner.withUserConfiguration(TwoGreeters.class, Customizers.class)
			.withPropertyValues("conn-listener.listeners.alpha.port=0", "conn-listener.listeners.beta.port=0")
			.run((context) -> {
				assertThat(context.getBean(Customizers.class).calls).containsExactly("first:alpha", "second:alpha",
						"first:beta", "second:beta");
				assertThat(context.getBean(ConnListenerRegistry.class).get("alpha").listener().options())
					.contains(ListenerOption.REUSEABLE_PORT);
			});
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoGreeters {

		@Bean
		@ConnectionHandler("alpha")
		AcceptCallback alphaHandler() {
			return TestHandlers.greeter("alpha");
		}

		@Bean
		@ConnectionHandler("beta")
		AcceptCallback betaHandler() {
			return TestHandlers.greeter("beta");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class UserBeans {

		final EventLoopGroup group = new EventLoopGroup(1, "user-io");

		@Bean(destroyMethod = "close")
		EventLoopGroup connListenerIoLoopGroup() {
			return this.group;
		}

		@Bean
		ConnListenerRegistry userRegistry() {
			return new ConnListenerRegistry(List.of(new ListenerDefinition("mine",
					new InetSocketAddress("127.0.0.1", 0), -1, java.util.Set.of(), 10, ListenerSettings.DEFAULTS)));
		}

		@Bean
		@ConnectionHandler("mine")
		AcceptCallback mineHandler() {
			return TestHandlers.greeter("mine");
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Customizers {

		final List<String> calls = new ArrayList<>();

		@Bean
		@Order(2)
		ConnListenerCustomizer second() {
			return (name, builder) -> this.calls.add("second:" + name);
		}

		@Bean
		@Order(1)
		ConnListenerCustomizer first() {
			return (name, builder) -> {
				this.calls.add("first:" + name);
				builder.options(ListenerOption.REUSEABLE_PORT);
			};
		}

	}

}
