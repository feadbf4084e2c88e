package io.connlistener.boot.listener;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;

import io.connlistener.boot.actuate.endpoint.ListenerDescriptor;
import io.connlistener.boot.actuate.health.ConnListenerHealthIndicator;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.testsupport.CapturingAppender;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.boot.testsupport.TestHandlers;
import io.connlistener.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.availability.AvailabilityChangeEvent;
import org.springframework.boot.availability.ReadinessState;
import org.springframework.boot.health.contributor.Health;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for listeners that follow the application's readiness, and for
 * {@code unbind-on-disable}.
 */
@Timeout(60)
class ReadinessTests {

	@RegisterExtension
	final LogCapture log = CapturingAppender.capture();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(EchoConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.defaults.address=127.0.0.1",
				"conn-listener.listeners.echo.port=0");

	@Test
	void refusingTrafficStopsAcceptingAndAcceptingTrafficResumes() {
		this.contextRunner.run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			await().until(echo::isAccepting);
			AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
			assertThat(echo.isRefusingTraffic()).isTrue();
			assertThat(echo.isEnabled()).as("the operator's wish is untouched").isTrue();
			await().until(() -> !echo.isAccepting());
			try (LoopbackClient waiting = LoopbackClient.connect(echo.localAddress())) {
				// Bound but not accepting: the connection waits in the kernel's queue.
				assertNotServed(waiting);
				AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
				await().until(echo::isAccepting);
				assertThat(waiting.readLine()).isEqualTo("ping|platform");
			}
		});
	}

	@Test
	void acceptingTrafficDoesNotOverrideAnOperatorsDisable() {
		this.contextRunner.run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
			echo.disable();
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			assertThat(echo.isEnabled()).isFalse();
			await().until(() -> !echo.isAccepting());
			echo.enable();
			await().until(echo::isAccepting);
		});
	}

	@Test
	void enablingWhileTheApplicationRefusesTrafficWaitsForReadiness() {
		this.contextRunner.run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
			echo.enable();
			await().until(() -> !echo.isAccepting());
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			await().until(echo::isAccepting);
		});
	}

	@Test
	void listenerThatDoesNotFollowReadinessKeepsAccepting() {
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.follow-readiness=false").run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
			assertThat(echo.isRefusingTraffic()).isFalse();
			try (LoopbackClient client = LoopbackClient.connect(echo.localAddress())) {
				assertThat(client.exchange("still")).isEqualTo("still|platform");
			}
		});
	}

	@Test
	void unbindOnDisableRefusesConnectionsAndBindsTheSamePortAgain() {
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.unbind-on-disable=true").run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			int port = ((InetSocketAddress) echo.localAddress()).getPort();
			try (LoopbackClient served = LoopbackClient.connect(echo.localAddress())) {
				assertThat(served.exchange("before")).isEqualTo("before|platform");
				echo.disable();
				assertThat(echo.isBound()).isFalse();
				assertThat(echo.failure()).isNull();
				assertRefused(port);
				// A connection being served goes on.
				assertThat(served.exchange("during")).isEqualTo("during|platform");
			}
			echo.enable();
			assertThat(echo.isBound()).isTrue();
			assertThat(((InetSocketAddress) echo.localAddress()).getPort()).isEqualTo(port);
			try (LoopbackClient client = LoopbackClient.connect(echo.localAddress())) {
				assertThat(client.exchange("after")).isEqualTo("after|platform");
			}
			assertThat(echo.stats().accepted()).as("counters survive binding again").isEqualTo(2);
			assertThat(echo.accepted(0)).isEqualTo(2);
		});
	}

	@Test
	void unbindOnDisableFollowsReadinessToo() {
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.unbind-on-disable=true").run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			int port = ((InetSocketAddress) echo.localAddress()).getPort();
			AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
			assertRefused(port);
			AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
			try (LoopbackClient client = LoopbackClient.connect(echo.localAddress())) {
				assertThat(client.exchange("back")).isEqualTo("back|platform");
			}
		});
	}

	@Test
	void listenerCreatedDisabledWithUnbindOnDisableChecksItsAddressThenReleasesIt() {
		this.contextRunner
			.withPropertyValues("conn-listener.listeners.echo.unbind-on-disable=true",
					"conn-listener.listeners.echo.enabled=false")
			.run((context) -> {
				ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
				int port = ((InetSocketAddress) echo.localAddress()).getPort();
				assertThat(port).isPositive();
				assertThat(echo.isBound()).isFalse();
				assertRefused(port);
				echo.enable();
				try (LoopbackClient client = LoopbackClient.connect(echo.localAddress())) {
					assertThat(client.exchange("on")).isEqualTo("on|platform");
				}
			});
	}

	@Test
	void bindingAgainThatFailsIsAFailureOfTheListener() {
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.unbind-on-disable=true",
				"conn-listener.listeners.echo.options=close-on-free").run((context) -> {
					ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
					int port = ((InetSocketAddress) echo.localAddress()).getPort();
					echo.disable();
					try (ServerSocket squatter = new ServerSocket()) {
						squatter.bind(new InetSocketAddress("127.0.0.1", port));
						echo.enable();
						assertThat(echo.isBound()).isFalse();
						assertThat(echo.failure()).startsWith("could not bind 127.0.0.1:" + port + " again: ");
						// Running, but not accepting although it should: not RUNNING with bound false.
						assertThat(echo.state()).isEqualTo(ManagedConnListener.State.FAILED);
						assertThat(ListenerDescriptor.of(echo).state()).isEqualTo("FAILED");
						assertThat(this.log
							.awaitEntry(Level.WARNING, "Listener 'echo' could not bind 127.0.0.1:" + port + " again: ")
							.thrown()).isInstanceOf(BindException.class);
					}
					echo.disable();
					echo.enable();
					assertThat(echo.failure()).isNull();
					assertThat(echo.state()).isEqualTo(ManagedConnListener.State.RUNNING);
					await().until(echo::isAccepting);
				});
	}

	@Test
	void healthShowsAListenerThatRefusesTrafficAsOutOfServiceAndOneThatCouldNotBindAgainAsDown() {
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.unbind-on-disable=true",
				"conn-listener.listeners.echo.options=close-on-free").run((context) -> {
					ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
					ConnListenerHealthIndicator indicator = new ConnListenerHealthIndicator(echo);
					AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
					Health refusing = indicator.health(true);
					assertThat(refusing.getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
					assertThat(refusing.getDetails()).containsEntry("refusingTraffic", true)
						.containsEntry("accepting", false)
						.containsEntry("inService", false);
					int port = ((InetSocketAddress) echo.localAddress()).getPort();
					try (ServerSocket squatter = new ServerSocket()) {
						squatter.bind(new InetSocketAddress("127.0.0.1", port));
						AvailabilityChangeEvent.publish(context, ReadinessState.ACCEPTING_TRAFFIC);
						Health down = indicator.health(true);
						assertThat(down.getStatus()).isEqualTo(Status.DOWN);
						assertThat(down.getDetails()).extractingByKey("failure")
							.asString()
							.startsWith("could not bind 127.0.0.1:" + port + " again");
					}
				});
	}

	@Test
	void readinessListenerBacksOffForAUserBean() {
		this.contextRunner
			.withBean("myReadinessListener", ConnListenerReadinessListener.class,
					() -> new ConnListenerReadinessListener(new ConnListenerRegistry(List.of())))
			.run((context) -> {
				assertThat(context).getBeans(ConnListenerReadinessListener.class).containsOnlyKeys("myReadinessListener");
				ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
				AvailabilityChangeEvent.publish(context, ReadinessState.REFUSING_TRAFFIC);
				assertThat(echo.isRefusingTraffic()).isFalse();
			});
	}

	private static void assertNotServed(LoopbackClient client) throws IOException {
		client.send("ping\n");
		assertThatExceptionOfType(java.io.UncheckedIOException.class).isThrownBy(() -> readWithin(client, 300))
			.withCauseInstanceOf(SocketTimeoutException.class);
	}

	private static void readWithin(LoopbackClient client, int millis) {
		client.readTimeout(Duration.ofMillis(millis));
		try {
			client.readLine();
		}
		finally {
			client.readTimeout(Duration.ofSeconds(10));
		}
	}

	private static void assertRefused(int port) {
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new Socket("127.0.0.1", port).close());
	}

	@Configuration(proxyBeanMethods = false)
	static class EchoConfiguration {

		@Bean
		@ConnectionHandler("echo")
		BlockingConnectionHandler echoHandler() {
			return TestHandlers.lineEcho();
		}

	}

}
