package io.connlistener.boot.listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.connlistener.RejectionReason;
import io.connlistener.boot.actuate.endpoint.ListenerDescriptor;
import io.connlistener.boot.actuate.metrics.ConnListenerMetrics;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.BlockingConnection;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.boot.testsupport.ListenQueueOverflows;
import io.connlistener.boot.testsupport.OpenSockets;
import io.connlistener.boot.testsupport.TestHandlers;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.testsupport.Figures;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of listeners under faults, on loopback: silent clients, clients that reset or
 * half-close, a flood of short connections, and handlers that throw or never return. Each
 * test prints one line of figures, quoted in {@code docs/RELIABILITY.md}. Counts are
 * asserted exactly; timings loosely, as the machine may be shared.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class ConnectionFaultTests {

	private static final Duration IDLE_TIMEOUT = Duration.ofMillis(500);

	private static final int SILENT_CLIENTS = 10;

	private static final Duration WRITE_TIMEOUT = Duration.ofMillis(300);

	private static final long MAX_UNREAD_BYTES = 256L * 1024 * 1024;

	private static final int FAULTY_CLIENTS = 20;

	private static final int FLOOD_CONNECTIONS = 20_000;

	private static final int FLOOD_THREADS = 2;

	private static final Duration SETTLE = Duration.ofSeconds(30);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(EchoHandlers.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.defaults.address=127.0.0.1",
				"conn-listener.listeners.buffered.port=0", "conn-listener.listeners.blocking.port=0");

	@ParameterizedTest
	@ValueSource(strings = { "buffered", "blocking" })
	void silentClientsAreClosedAtTheIdleTimeoutAndCounted(String style) {
		this.contextRunner.withPropertyValues("conn-listener.defaults.idle-timeout=" + IDLE_TIMEOUT.toMillis() + "ms")
			.run((context) -> {
				ManagedConnListener listener = context.getBean(ConnListenerRegistry.class).get(style);
				String suffix = style.equals("blocking") ? "|platform" : "";
				ExecutorService silent = Executors.newFixedThreadPool(SILENT_CLIENTS);
				try (LoopbackClient chatty = LoopbackClient.connect(listener.localAddress())) {
					List<Future<Long>> lifetimes = new ArrayList<>();
					for (int i = 0; i < SILENT_CLIENTS; i++) {
						lifetimes.add(silent.submit(() -> millisUntilClosed(listener.localAddress())));
					}
					// Talks every 200 ms for 1 s: never idle for the timeout, but open longer.
					for (int round = 0; round < 5; round++) {
						assertThat(chatty.exchange("round-" + round)).isEqualTo("round-" + round + suffix);
						Thread.sleep(200);
					}
					List<Long> millis = new ArrayList<>();
					for (Future<Long> lifetime : lifetimes) {
						millis.add(lifetime.get(30, TimeUnit.SECONDS));
					}
					millis.sort(null);
					assertThat(chatty.exchange("still-open")).isEqualTo("still-open" + suffix);
					// Closed at once: left open, it would time out too while the counts are read.
					chatty.close();
					await().atMost(SETTLE).until(() -> listener.activeConnections() == 0);
					long timeout = IDLE_TIMEOUT.toMillis();
					long medianOvershoot = millis.get(SILENT_CLIENTS / 2) - timeout;
					long maxOvershoot = millis.get(SILENT_CLIENTS - 1) - timeout;
					Figures.record("idle-timeout-" + style, "%d silent clients closed %d..%d ms after starting to "
							+ "connect (idle-timeout %d ms: overshoot median %d ms, max %d ms); a client talking every "
							+ "200 ms for 1 s stayed open until it closed; idle-timeout count %d, handler failures %d",
							SILENT_CLIENTS, millis.get(0), millis.get(SILENT_CLIENTS - 1), timeout, medianOvershoot,
							maxOvershoot, listener.idleTimeouts(), listener.handlerFailures());
					assertThat(listener.idleTimeouts()).isEqualTo(SILENT_CLIENTS);
					assertThat(listener.handlerFailures()).isZero();
					assertThat(ListenerDescriptor.of(listener).rejections())
						.containsEntry("idle-timeout", (long) SILENT_CLIENTS);
					MeterRegistry meters = new SimpleMeterRegistry();
					new ConnListenerMetrics(context.getBean(ConnListenerRegistry.class)).bindTo(meters);
					assertThat(meters.get("conn.listener.rejections")
						.tags("listener", style, "reason", "idle-timeout")
						.functionCounter()
						.count()).isEqualTo(SILENT_CLIENTS);
					assertThat(millis.get(0)).isGreaterThanOrEqualTo(timeout);
					assertThat(medianOvershoot).isLessThan(100);
					assertThat(maxOvershoot).isLessThan(2000);
				}
				finally {
					silent.shutdownNow();
				}
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "buffered", "blocking" })
	void clientThatSendsButNeverReadsIsClosedAtTheWriteTimeoutAndCounted(String style) {
		this.contextRunner.withPropertyValues("conn-listener.defaults.write-timeout=" + WRITE_TIMEOUT.toMillis() + "ms")
			.run((context) -> {
				ManagedConnListener listener = context.getBean(ConnListenerRegistry.class).get(style);
				byte[] lines = "0123456789abcdef0123456789abcdef0123456789abcdef0123456789abcde\n".repeat(1024)
					.getBytes(StandardCharsets.US_ASCII);
				long sent = 0;
				long start = System.nanoTime();
				try (Socket client = connect(listener.localAddress())) {
					// The echo fills both ends' socket buffers, then the server's output stalls.
					while (sent < MAX_UNREAD_BYTES) {
						client.getOutputStream().write(lines);
						sent += lines.length;
					}
				}
				catch (IOException ex) {
					// Closed by the server while this end still wrote: what is expected.
				}
				long closedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				await().atMost(SETTLE).until(() -> listener.activeConnections() == 0);
				Figures.record("write-timeout-" + style, "a client that sent %d KiB and read nothing was closed %d ms "
						+ "after connecting (write-timeout %d ms); write-timeout count %d, idle-timeout count %d, "
						+ "handler failures %d", sent / 1024, closedMillis, WRITE_TIMEOUT.toMillis(),
						listener.writeTimeouts(), listener.idleTimeouts(), listener.handlerFailures());
				assertThat(sent).isLessThan(MAX_UNREAD_BYTES);
				assertThat(listener.writeTimeouts()).isEqualTo(1);
				assertThat(listener.idleTimeouts()).isZero();
				assertThat(listener.handlerFailures()).isZero();
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "buffered", "blocking" })
	void resetsAndHalfClosesAreNoHandlerFailureAndReleaseEverySocket(String style) {
		this.contextRunner.run((context) -> {
			ManagedConnListener listener = context.getBean(ConnListenerRegistry.class).get(style);
			String suffix = style.equals("blocking") ? "|platform" : "";
			long baseline = OpenSockets.count();
			// Reset while waiting in the listen queue, before any accept.
			listener.disable();
			for (int i = 0; i < FAULTY_CLIENTS; i++) {
				try (Socket client = connect(listener.localAddress())) {
					client.setSoLinger(true, 0);
				}
			}
			listener.enable();
			await().atMost(SETTLE).until(() -> listener.stats().accepted() == FAULTY_CLIENTS);
			// Reset in the middle of a line the handler is reading.
			List<Socket> midRead = new ArrayList<>();
			for (int i = 0; i < FAULTY_CLIENTS; i++) {
				Socket client = connect(listener.localAddress());
				client.getOutputStream().write(("partial-" + i).getBytes(StandardCharsets.UTF_8));
				midRead.add(client);
			}
			await().atMost(SETTLE).until(() -> listener.stats().accepted() == 2 * FAULTY_CLIENTS);
			for (Socket client : midRead) {
				client.setSoLinger(true, 0);
				client.close();
			}
			// Half-close: the answer still comes, then the end of the stream.
			for (int i = 0; i < FAULTY_CLIENTS; i++) {
				try (Socket client = connect(listener.localAddress())) {
					client.getOutputStream().write(("half-" + i + "\n").getBytes(StandardCharsets.UTF_8));
					client.shutdownOutput();
					BufferedReader reader = new BufferedReader(
							new InputStreamReader(client.getInputStream(), StandardCharsets.UTF_8));
					assertThat(reader.readLine()).isEqualTo("half-" + i + suffix);
					assertThat(reader.readLine()).isNull();
				}
			}
			long settling = System.nanoTime();
			await().atMost(SETTLE).until(() -> listener.activeConnections() == 0 && OpenSockets.count() == baseline);
			long settledMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - settling);
			Figures.record("client-faults-" + style, "%d reset before accept, %d reset mid-line, %d half-closed (all "
					+ "answered, then EOF); accepted %d, handler failures %d, accept errors %d, sockets back to "
					+ "baseline (%d) %d ms after the last client", FAULTY_CLIENTS, FAULTY_CLIENTS,
					FAULTY_CLIENTS, listener.stats().accepted(), listener.handlerFailures(),
					listener.stats().acceptErrors(), baseline, settledMillis);
			assertThat(listener.stats().accepted()).isEqualTo(3 * FAULTY_CLIENTS);
			assertThat(listener.handlerFailures()).isZero();
			assertThat(listener.stats().acceptErrors()).isZero();
			assertThat(listener.idleTimeouts()).isZero();
			try (LoopbackClient client = LoopbackClient.connect(listener.localAddress())) {
				assertThat(client.exchange("after")).isEqualTo("after" + suffix);
			}
		});
	}

	@Test
	void floodOfShortConnectionsIsAcceptedInFullAndReleasesEverySocket() {
		this.contextRunner.run((context) -> {
			ManagedConnListener listener = context.getBean(ConnListenerRegistry.class).get("buffered");
			InetSocketAddress address = new InetSocketAddress("127.0.0.1",
					((InetSocketAddress) listener.localAddress()).getPort());
			long baseline = OpenSockets.count();
			long overflowsBefore = ListenQueueOverflows.count();
			AtomicInteger successes = new AtomicInteger();
			AtomicInteger failures = new AtomicInteger();
			ExecutorService clients = Executors.newFixedThreadPool(FLOOD_THREADS);
			long start = System.nanoTime();
			try {
				List<Future<?>> done = new ArrayList<>();
				for (int thread = 0; thread < FLOOD_THREADS; thread++) {
					done.add(clients.submit(() -> flood(address, FLOOD_CONNECTIONS / FLOOD_THREADS, successes,
							failures)));
				}
				for (Future<?> future : done) {
					future.get(90, TimeUnit.SECONDS);
				}
			}
			finally {
				clients.shutdownNow();
			}
			long floodMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
			// A client connect the kernel dropped from a full listen queue still counts as a success on the
			// client's side, but no server can accept it: only those may be missing.
			long overflows = ListenQueueOverflows.count() - overflowsBefore;
			long settling = System.nanoTime();
			// Asserted rather than polled as one condition, so that a timeout names what did not settle.
			await().atMost(SETTLE).untilAsserted(() -> {
				assertThat(listener.stats().accepted()).as("accepted, with %d listen queue overflows", overflows)
					.isBetween(successes.get() - overflows, (long) successes.get());
				assertThat(listener.activeConnections()).as("active connections").isZero();
				assertThat(OpenSockets.count()).as("open sockets").isEqualTo(baseline);
			});
			long settledMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - settling);
			long rejected = listener.stats().rejectionsByReason().values().stream().mapToLong(Long::longValue).sum();
			Figures.record("flood", "%d connect+close (SO_LINGER 0) from %d threads in %d ms (%d/s); client "
					+ "successes %d, failures %d; listen queue overflows %d; accepted %d; rejected %d, handler failures %d, "
					+ "accept errors %d; "
					+ "sockets back to baseline (%d) %d ms after the flood", FLOOD_CONNECTIONS, FLOOD_THREADS,
					floodMillis, FLOOD_CONNECTIONS * 1000L / Math.max(1, floodMillis), successes.get(),
					failures.get(), overflows, listener.stats().accepted(), rejected, listener.handlerFailures(),
					listener.stats().acceptErrors(), baseline, settledMillis);
			assertThat(successes.get() + failures.get()).isEqualTo(FLOOD_CONNECTIONS);
			assertThat(listener.stats().rejections(RejectionReason.MAX_CONNECTIONS)).isZero();
			assertThat(listener.handlerFailures()).isZero();
			assertThat(listener.stats().acceptErrors()).isZero();
			try (LoopbackClient client = LoopbackClient.connect(listener.localAddress())) {
				assertThat(client.exchange("after")).isEqualTo("after");
			}
		});
	}

	@Test
	void handlersThatThrowOrNeverReturnNeitherStopOthersNorHoldUpShutdown() {
		CountDownLatch release = new CountDownLatch(1);
		this.contextRunner.withUserConfiguration(FaultyHandler.class)
			.withBean("release", CountDownLatch.class, () -> release)
			.withPropertyValues("conn-listener.listeners.faulty.port=0", "spring.lifecycle.timeout-per-shutdown-phase=1s")
			.run((context) -> {
				ManagedConnListener faulty = context.getBean(ConnListenerRegistry.class).get("faulty");
				List<LoopbackClient> stuck = new ArrayList<>();
				try {
					for (int i = 0; i < 5; i++) {
						LoopbackClient client = LoopbackClient.connect(faulty.localAddress());
						stuck.add(client);
						assertThat(client.exchange("block")).isEqualTo("blocking");
						try (LoopbackClient thrower = LoopbackClient.connect(faulty.localAddress())) {
							thrower.send("boom\n");
							assertThat(thrower.isClosedByPeer()).isTrue();
						}
					}
					for (int i = 0; i < FAULTY_CLIENTS; i++) {
						try (LoopbackClient client = LoopbackClient.connect(faulty.localAddress())) {
							assertThat(client.exchange("hello-" + i)).isEqualTo("hello-" + i);
						}
					}
					await().atMost(SETTLE).until(() -> faulty.activeConnections() == 5);
					assertThat(faulty.handlerFailures()).isEqualTo(5);
					long start = System.nanoTime();
					context.close();
					long closeMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
					Figures.record("handler-faults", "5 handlers threw (handler failures %d), 5 blocked ignoring "
							+ "interrupts; %d other clients served meanwhile; context closed in %d ms with "
							+ "timeout-per-shutdown-phase 1s, %d connections closed at the deadline",
							faulty.handlerFailures(), FAULTY_CLIENTS, closeMillis, faulty.closedOnShutdown());
					assertThat(faulty.closedOnShutdown()).isEqualTo(5);
					assertThat(stuck).allSatisfy((client) -> assertThat(client.isClosedByPeer()).isTrue());
					// Grace period (900 ms), closing, then at most 1 s waiting for handler threads.
					assertThat(closeMillis).isLessThan(5000);
				}
				finally {
					release.countDown();
					stuck.forEach(LoopbackClient::close);
				}
			});
	}

	private static Socket connect(SocketAddress listenerAddress) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", ((InetSocketAddress) listenerAddress).getPort()), 10_000);
		socket.setSoTimeout(10_000);
		return socket;
	}

	private static long millisUntilClosed(SocketAddress listenerAddress) throws IOException {
		// Timed from before the connect, so never from after the server starts its timer.
		long connecting = System.nanoTime();
		try (Socket socket = connect(listenerAddress)) {
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
			return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - connecting);
		}
	}

	private static void flood(InetSocketAddress address, int connections, AtomicInteger successes,
			AtomicInteger failures) {
		for (int i = 0; i < connections; i++) {
			try (SocketChannel channel = SocketChannel.open()) {
				// A reset rather than a FIN: no TIME_WAIT left to use up loopback ports.
				channel.setOption(StandardSocketOptions.SO_LINGER, 0);
				channel.connect(address);
				successes.incrementAndGet();
			}
			catch (IOException ex) {
				failures.incrementAndGet();
			}
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class EchoHandlers {

		@Bean
		@ConnectionHandler("buffered")
		BufferedHandler bufferedHandler() {
			return TestHandlers.bufferedEcho();
		}

		@Bean
		@ConnectionHandler("blocking")
		BlockingConnectionHandler blockingHandler() {
			return TestHandlers.lineEcho();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class FaultyHandler {

		/**
		 * Echoes lines; {@code boom} throws, {@code block} answers, then blocks until the
		 * test ends, ignoring interrupts.
		 */
		@Bean
		@ConnectionHandler("faulty")
		BlockingConnectionHandler faultyHandler(CountDownLatch release) {
			return (BlockingConnection connection) -> {
				BufferedReader reader = new BufferedReader(
						new InputStreamReader(connection.inputStream(), StandardCharsets.UTF_8));
				OutputStream output = connection.outputStream();
				String line;
				while ((line = reader.readLine()) != null) {
					if (line.equals("boom")) {
						throw new IllegalStateException("boom");
					}
					if (line.equals("block")) {
						output.write("blocking\n".getBytes(StandardCharsets.UTF_8));
						awaitIgnoringInterrupts(release);
						return;
					}
					output.write((line + "\n").getBytes(StandardCharsets.UTF_8));
				}
			};
		}

		private static void awaitIgnoringInterrupts(CountDownLatch latch) {
			while (true) {
				try {
					latch.await();
					return;
				}
				catch (InterruptedException ex) {
					// A handler that does not stop when asked to.
				}
			}
		}

	}

}
