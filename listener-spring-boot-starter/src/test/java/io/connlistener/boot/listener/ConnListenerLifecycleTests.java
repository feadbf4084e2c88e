package io.connlistener.boot.listener;

import java.lang.System.Logger.Level;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.testsupport.CapturingAppender;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.boot.testsupport.TestHandlers;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.testsupport.Figures;
import io.connlistener.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ConnListenerLifecycle}: events, restart, and draining on stop.
 */
@Timeout(90)
class ConnListenerLifecycleTests {

	private static final int CLIENTS = 100;

	private static final int IN_FLIGHT = 500;

	private static final int STRAGGLERS = 50;

	@RegisterExtension
	final LogCapture log = CapturingAppender.capture();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(EchoConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.defaults.address=127.0.0.1",
				"conn-listener.listeners.echo.port=0");

	@Test
	void startedEventTellsTheBoundAddress() {
		this.contextRunner.run((context) -> {
			List<ConnListenerStartedEvent> started = context.getBean(EchoConfiguration.class).started;
			assertThat(started).singleElement().satisfies((event) -> {
				assertThat(event.getListener().name()).isEqualTo("echo");
				assertThat(((InetSocketAddress) event.getListener().localAddress()).getPort()).isPositive();
			});
		});
	}

	@Test
	void stopThenStartBindsAgain() {
		this.contextRunner.run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			context.stop();
			assertThat(echo.state()).isEqualTo(ManagedConnListener.State.STOPPED);
			assertThat(context.getBean(EchoConfiguration.class).stopped).singleElement()
				.satisfies((event) -> assertThat(event.getClosedConnections()).isZero());
			context.start();
			assertThat(echo.state()).isEqualTo(ManagedConnListener.State.RUNNING);
			try (LoopbackClient client = LoopbackClient.connect(echo.localAddress())) {
				assertThat(client.exchange("again")).isEqualTo("again|platform");
			}
		});
	}

	@Test
	void stopRefusesNewConnectionsAndLetsBlockingConversationsFinish() {
		this.contextRunner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=30s")
			.run((context) -> assertDrains(context, "echo", "|platform"));
	}

	@Test
	void stopRefusesNewConnectionsAndLetsBufferedConversationsFinish() {
		this.contextRunner.withUserConfiguration(BufferedEchoConfiguration.class)
			.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=30s",
					"conn-listener.listeners.buffered.port=0")
			.run((context) -> assertDrains(context, "buffered", ""));
	}

	private void assertDrains(ConfigurableApplicationContext context, String name, String suffix) throws Exception {
		ManagedConnListener listener = context.getBean(ConnListenerRegistry.class).get(name);
		EchoConfiguration events = context.getBean(EchoConfiguration.class);
		int port = ((InetSocketAddress) listener.localAddress()).getPort();
		List<LoopbackClient> clients = new ArrayList<>();
		try {
			for (int i = 0; i < CLIENTS; i++) {
				LoopbackClient client = LoopbackClient.connect(listener.localAddress());
				clients.add(client);
				assertThat(client.exchange("hello-" + i)).isEqualTo("hello-" + i + suffix);
				// Mid-conversation: half a line, which the handler has read or will read.
				client.send("part-" + i);
			}
			assertThat(listener.activeConnections()).isEqualTo(CLIENTS);
			CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
			await().atMost(Duration.ofSeconds(10)).until(() -> listener.state() == ManagedConnListener.State.DRAINING);
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new Socket("127.0.0.1", port).close());
			for (int i = 0; i < CLIENTS; i++) {
				LoopbackClient client = clients.get(i);
				client.send("-end\n");
				assertThat(client.readLine()).isEqualTo("part-" + i + "-end" + suffix);
				client.close();
			}
			closing.get(30, TimeUnit.SECONDS);
			assertThat(listener.state()).isEqualTo(ManagedConnListener.State.STOPPED);
			assertThat(listener.closedOnShutdown()).isZero();
			assertThat(listener.activeConnections()).isZero();
			assertThat(listener.handlerFailures()).isZero();
			assertThat(events.stopped).filteredOn((event) -> event.getListener() == listener)
				.singleElement()
				.satisfies((event) -> assertThat(event.getClosedConnections()).isZero());
		}
		finally {
			clients.forEach(LoopbackClient::close);
		}
	}

	@Test
	void stopClosesAndCountsConnectionsStillOpenAfterTheGracePeriod() {
		this.contextRunner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=1s").run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			EchoConfiguration events = context.getBean(EchoConfiguration.class);
			assertThat(context.getBean(ConnListenerLifecycle.class).getGracePeriod())
				.isEqualTo(Duration.ofMillis(900));
			try (LoopbackClient idle = LoopbackClient.connect(echo.localAddress());
					LoopbackClient done = LoopbackClient.connect(echo.localAddress())) {
				assertThat(idle.exchange("idle")).isEqualTo("idle|platform");
				assertThat(done.exchange("done")).isEqualTo("done|platform");
				done.close();
				await().atMost(Duration.ofSeconds(10)).until(() -> echo.activeConnections() == 1);
				context.close();
				assertThat(idle.isClosedByPeer()).isTrue();
			}
			assertThat(echo.closedOnShutdown()).isEqualTo(1);
			assertThat(echo.handlerFailures()).isZero();
			assertThat(echo.listener().stats().activeConnections()).isZero();
			assertThat(events.stopped).singleElement()
				.satisfies((event) -> assertThat(event.getClosedConnections()).isEqualTo(1));
		});
	}

	@Test
	void stopUnderLoadLetsInFlightConnectionsFinishAndClosesStragglersAtTheDeadline() {
		this.contextRunner.withPropertyValues("spring.lifecycle.timeout-per-shutdown-phase=3s").run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			EchoConfiguration events = context.getBean(EchoConfiguration.class);
			int port = ((InetSocketAddress) echo.localAddress()).getPort();
			List<LoopbackClient> clients = new ArrayList<>();
			try {
				for (int i = 0; i < IN_FLIGHT; i++) {
					LoopbackClient client = LoopbackClient.connect(echo.localAddress());
					clients.add(client);
					assertThat(client.exchange("hello-" + i)).isEqualTo("hello-" + i + "|platform");
					client.send("part-" + i);
				}
				assertThat(echo.activeConnections()).isEqualTo(IN_FLIGHT);
				long start = System.nanoTime();
				CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
				await().atMost(Duration.ofSeconds(10)).until(() -> echo.state() == ManagedConnListener.State.DRAINING);
				assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new Socket("127.0.0.1", port).close());
				for (int i = STRAGGLERS; i < IN_FLIGHT; i++) {
					LoopbackClient client = clients.get(i);
					client.send("-end\n");
					assertThat(client.readLine()).isEqualTo("part-" + i + "-end|platform");
					client.close();
				}
				long finishedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				closing.get(30, TimeUnit.SECONDS);
				long stopMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				for (int i = 0; i < STRAGGLERS; i++) {
					assertThat(clients.get(i).isClosedByPeer()).isTrue();
				}
				Figures.record("graceful-stop", "%d in flight at stop; new connects refused while draining; %d "
						+ "finished their conversation (last %d ms after stop began); %d silent stragglers closed at "
						+ "the deadline and counted (closedOnShutdown %d, handler failures %d); stop took %d ms "
						+ "(grace period 2700 ms of timeout-per-shutdown-phase 3s)", IN_FLIGHT,
						IN_FLIGHT - STRAGGLERS, finishedMillis, STRAGGLERS, echo.closedOnShutdown(),
						echo.handlerFailures(), stopMillis);
				assertThat(echo.closedOnShutdown()).isEqualTo(STRAGGLERS);
				assertThat(echo.handlerFailures()).isZero();
				assertThat(echo.listener().stats().accepted()).isEqualTo(IN_FLIGHT);
				assertThat(echo.activeConnections()).isZero();
				assertThat(events.stopped).singleElement()
					.satisfies((event) -> assertThat(event.getClosedConnections()).isEqualTo(STRAGGLERS));
				assertThat(this.log.awaitEntry(Level.WARNING, "still open after the shutdown grace period").message())
					.isEqualTo("Listener 'echo' closed " + STRAGGLERS
							+ " connections still open after the shutdown grace period of 2700 ms");
				assertThat(stopMillis).isGreaterThanOrEqualTo(2700).isLessThan(10_000);
			}
			finally {
				clients.forEach(LoopbackClient::close);
			}
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class BufferedEchoConfiguration {

		@Bean
		@ConnectionHandler("buffered")
		BufferedHandler bufferedHandler() {
			return TestHandlers.bufferedEcho();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EchoConfiguration {

		final List<ConnListenerStartedEvent> started = new CopyOnWriteArrayList<>();

		final List<ConnListenerStoppedEvent> stopped = new CopyOnWriteArrayList<>();

		@Bean
		@ConnectionHandler("echo")
		BlockingConnectionHandler echoHandler() {
			return TestHandlers.lineEcho();
		}

		@Bean
		ApplicationListener<ConnListenerStartedEvent> startedListener() {
			return this.started::add;
		}

		@Bean
		ApplicationListener<ConnListenerStoppedEvent> stoppedListener() {
			return this.stopped::add;
		}

	}

}
