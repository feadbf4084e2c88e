package io.connlistener.boot.listener;

import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.connlistener.RejectionReason;
import io.connlistener.boot.actuate.health.ConnListenerHealthIndicator;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;
import io.connlistener.testsupport.Figures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests of switching a managed listener's sockets: handlers that disable and enable their
 * own listener on its loops while another thread does too, the connection limit and the
 * per-IP cap across closing and binding again, and {@code disable-delay}.
 */
@Timeout(60)
class ListenerSwitchTests {

	private static final int TOGGLES = 4;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(ToggleConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=2", "conn-listener.defaults.address=127.0.0.1",
				"conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.unbind-on-disable=true");

	@ParameterizedTest(name = "acceptors: {0}")
	@ValueSource(ints = { 1, 2 })
	void handlersThatDisableAndEnableTheirListenerOnLoopThreadsWhileAnotherThreadDoesTooNeverDeadlock(int acceptors) {
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.acceptors=" + acceptors).run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			List<LoopbackClient> clients = new ArrayList<>();
			ExecutorService senders = Executors.newFixedThreadPool(8);
			try {
				// Connected first: while released, the port refuses new connections.
				for (int i = 0; i < 8; i++) {
					clients.add(LoopbackClient.connect(echo.localAddress()));
				}
				long start = System.nanoTime();
				List<Future<?>> sending = new ArrayList<>();
				for (LoopbackClient client : clients) {
					sending.add(senders.submit(() -> {
						for (int i = 0; i < 25; i++) {
							// Each line makes the handler disable and enable on its loop thread.
							assertThat(client.exchange("toggle")).isEqualTo("toggled");
						}
					}));
				}
				// Meanwhile an operator switches from a thread of its own, as Actuator does.
				for (int i = 0; i < 25; i++) {
					echo.disable();
					echo.enable();
				}
				for (Future<?> future : sending) {
					future.get(20, TimeUnit.SECONDS);
				}
				long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				await().atMost(Duration.ofSeconds(10)).until(() -> echo.isBound() && echo.isAccepting());
				try (LoopbackClient after = LoopbackClient.connect(echo.localAddress())) {
					assertThat(after.exchange("toggle")).isEqualTo("toggled");
				}
				assertThat(echo.failure()).isNull();
				Figures.record("switch-on-loops", "acceptors %d: 200 disable+enable on loop threads and 50 on an "
						+ "operator thread, unbind-on-disable, in %d ms; bound and accepting after", acceptors, millis);
			}
			finally {
				senders.shutdownNow();
				clients.forEach(LoopbackClient::close);
			}
		});
	}

	@ParameterizedTest(name = "acceptors: {0}")
	@ValueSource(ints = { 1, 2 })
	void maxConnectionsHoldsAcrossReleasingAndBindingAgain(int acceptors) {
		this.contextRunner
			.withPropertyValues("conn-listener.listeners.echo.acceptors=" + acceptors,
					"conn-listener.listeners.echo.max-connections=10")
			.run((context) -> {
				ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
				List<LoopbackClient> clients = new ArrayList<>();
				try {
					fill(echo, clients, 10);
					for (int toggle = 0; toggle < TOGGLES; toggle++) {
						echo.disable();
						echo.enable();
						for (int i = 0; i < 10; i++) {
							clients.add(LoopbackClient.connect(echo.localAddress()));
						}
						// Every socket of the listener stops at the listener's limit.
						await().atMost(Duration.ofSeconds(10)).until(echo::isAtConnectionLimit);
						assertThat(echo.activeConnections()).isEqualTo(10);
					}
					// One close lets exactly one waiting client in.
					long accepted = echo.stats().accepted();
					clients.remove(0).close();
					await().atMost(Duration.ofSeconds(10)).until(() -> echo.stats().accepted() == accepted + 1);
					await().atMost(Duration.ofSeconds(10)).until(echo::isAtConnectionLimit);
					assertThat(echo.activeConnections()).isEqualTo(10);
					Figures.record("limit-across-rebinds", "acceptors %d, max-connections 10, %d disable+enable with "
							+ "unbind-on-disable, 10 more clients each time: %d held", acceptors, TOGGLES,
							echo.activeConnections());
				}
				finally {
					clients.forEach(LoopbackClient::close);
				}
			});
	}

	@ParameterizedTest(name = "acceptors: {0}")
	@ValueSource(ints = { 1, 2 })
	void perIpCapHoldsAcrossReleasingAndBindingAgain(int acceptors) {
		this.contextRunner
			.withPropertyValues("conn-listener.listeners.echo.acceptors=" + acceptors,
					"conn-listener.listeners.echo.admission.max-connections-per-ip=10")
			.run((context) -> {
				ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
				List<LoopbackClient> clients = new ArrayList<>();
				try {
					fill(echo, clients, 10);
					for (int toggle = 0; toggle < TOGGLES; toggle++) {
						echo.disable();
						echo.enable();
						for (int i = 0; i < 10; i++) {
							LoopbackClient capped = LoopbackClient.connect(echo.localAddress());
							clients.add(capped);
							assertThat(capped.readLine()).as("end of stream for a client over the per-IP cap").isNull();
						}
					}
					assertThat(echo.stats().rejections(RejectionReason.PER_IP_LIMIT)).isEqualTo(10L * TOGGLES);
					assertThat(echo.activeConnections()).isEqualTo(10);
					Figures.record("per-ip-across-rebinds", "acceptors %d, max-connections-per-ip 10, %d disable+enable "
							+ "with unbind-on-disable: %d held, %d closed at the cap", acceptors, TOGGLES,
							echo.activeConnections(), echo.stats().rejections(RejectionReason.PER_IP_LIMIT));
				}
				finally {
					clients.forEach(LoopbackClient::close);
				}
			});
	}

	@Test
	void disableDelayKeepsAcceptingWhileOutOfServiceThenReleasesThePort() {
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.disable-delay=400ms").run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			ConnListenerHealthIndicator health = new ConnListenerHealthIndicator(echo);
			int port = ((InetSocketAddress) echo.localAddress()).getPort();
			assertThat(health.health(false).getStatus()).isEqualTo(Status.UP);
			long start = System.nanoTime();
			CompletableFuture<Void> released = echo.disableAsync();
			// Out of service at once, for a balancer's health check, and still serving new clients.
			assertThat(echo.isInService()).isFalse();
			assertThat(health.health(false).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			try (LoopbackClient during = LoopbackClient.connect(echo.localAddress())) {
				assertThat(during.exchange("during")).isEqualTo("during");
			}
			assertThat(released).isNotDone();
			released.get(10, TimeUnit.SECONDS);
			long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			assertThat(millis).isGreaterThanOrEqualTo(400);
			assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> new Socket("127.0.0.1", port).close());
			assertThat(health.health(false).getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			Figures.record("disable-delay", "disable-delay 400 ms: out of service at once, a new client served "
					+ "meanwhile, port released %d ms after the disable", millis);
		});
	}

	@ParameterizedTest(name = "unbind-on-disable: {0}")
	@ValueSource(booleans = { false, true })
	void disableAndEnableCompleteOnceTheLoopsHaveSwitched(boolean unbindOnDisable) {
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.unbind-on-disable=" + unbindOnDisable)
			.run((context) -> {
				ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
				List<EventLoop> loops = context.getBean(EventLoopGroup.class).loops();
				assertThat(echo.isAccepting()).isTrue();
				CompletableFuture<Void> disabling;
				CountDownLatch release = hold(loops);
				try {
					disabling = echo.disableAsync();
					// The core listeners are switched, but their loops have not applied it yet.
					assertThat(disabling).isNotDone();
				}
				finally {
					release.countDown();
				}
				disabling.get(10, TimeUnit.SECONDS);
				assertThat(echo.isAccepting()).isFalse();
				CompletableFuture<Void> enabling;
				release = hold(loops);
				try {
					enabling = echo.enableAsync();
					assertThat(enabling).isNotDone();
					assertThat(echo.isAccepting()).isFalse();
				}
				finally {
					release.countDown();
				}
				enabling.get(10, TimeUnit.SECONDS);
				assertThat(echo.isAccepting()).isTrue();
			});
	}

	/**
	 * Hold every loop in a task until the latch returned is counted down, or for 10 s.
	 */
	private static CountDownLatch hold(List<EventLoop> loops) throws InterruptedException {
		CountDownLatch held = new CountDownLatch(loops.size());
		CountDownLatch release = new CountDownLatch(1);
		loops.forEach((loop) -> loop.execute(() -> {
			held.countDown();
			awaitQuietly(release);
		}));
		assertThat(held.await(10, TimeUnit.SECONDS)).isTrue();
		return release;
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await(10, TimeUnit.SECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void enablingDuringTheDisableDelayKeepsTheSocket() {
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.disable-delay=10s").run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			CompletableFuture<Void> disabling = echo.disableAsync();
			assertThat(echo.isInService()).isFalse();
			echo.enable();
			assertThat(disabling).isDone();
			assertThat(echo.isInService()).isTrue();
			try (LoopbackClient client = LoopbackClient.connect(echo.localAddress())) {
				assertThat(client.exchange("kept")).isEqualTo("kept");
			}
			assertThat(echo.stats().accepted()).isEqualTo(1);
		});
	}

	@Test
	void stopWaitsForTheDisableDelayWhileAcceptingThenDrains() {
		this.contextRunner
			.withPropertyValues("conn-listener.listeners.echo.disable-delay=400ms",
					"spring.lifecycle.timeout-per-shutdown-phase=10s")
			.run((context) -> {
				ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
				int port = ((InetSocketAddress) echo.localAddress()).getPort();
				try (LoopbackClient open = LoopbackClient.connect(echo.localAddress())) {
					assertThat(open.exchange("open")).isEqualTo("open");
					long start = System.nanoTime();
					CompletableFuture<Void> closing = CompletableFuture.runAsync(context::close);
					await().atMost(Duration.ofSeconds(10)).until(() -> echo.state() == ManagedConnListener.State.STOPPING);
					try (LoopbackClient during = LoopbackClient.connect(echo.localAddress())) {
						assertThat(during.exchange("late")).isEqualTo("late");
					}
					await().atMost(Duration.ofSeconds(10)).until(() -> echo.state() == ManagedConnListener.State.DRAINING);
					assertThat(TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start)).isGreaterThanOrEqualTo(400);
					assertThatExceptionOfType(ConnectException.class)
						.isThrownBy(() -> new Socket("127.0.0.1", port).close());
					assertThat(open.exchange("still")).isEqualTo("still");
					open.close();
					closing.get(20, TimeUnit.SECONDS);
				}
				assertThat(echo.closedOnShutdown()).isZero();
			});
	}

	private static void fill(ManagedConnListener echo, List<LoopbackClient> clients, int count) {
		for (int i = 0; i < count; i++) {
			LoopbackClient client = LoopbackClient.connect(echo.localAddress());
			clients.add(client);
			assertThat(client.exchange("hello")).isEqualTo("hello");
		}
		assertThat(echo.activeConnections()).isEqualTo(count);
	}

	@Configuration(proxyBeanMethods = false)
	static class ToggleConfiguration {

		@Bean
		@ConnectionHandler("echo")
		BufferedHandler toggleHandler(ObjectProvider<ConnListenerRegistry> registry) {
			return new ToggleHandler(registry);
		}

	}

	/**
	 * Echoes lines; on a line {@code toggle} it disables and enables its own listener from
	 * the loop thread, then answers {@code toggled}.
	 */
	static final class ToggleHandler implements BufferedHandler {

		private final ObjectProvider<ConnListenerRegistry> registry;

		ToggleHandler(ObjectProvider<ConnListenerRegistry> registry) {
			this.registry = registry;
		}

		@Override
		public void onRead(BufferedConnection connection) {
			String line;
			while ((line = connection.input().readLine(StandardCharsets.UTF_8)) != null) {
				if (line.equals("toggle")) {
					ManagedConnListener echo = this.registry.getObject().get("echo");
					echo.disable();
					echo.enable();
					line = "toggled";
				}
				connection.output().add(line + "\n", StandardCharsets.UTF_8);
			}
		}

	}

}
