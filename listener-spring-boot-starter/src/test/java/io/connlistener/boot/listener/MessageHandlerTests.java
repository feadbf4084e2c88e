package io.connlistener.boot.listener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.Locale;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.connlistener.boot.actuate.metrics.ConnListenerMetrics;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.handler.MessageContext;
import io.connlistener.boot.handler.MessageHandler;
import io.connlistener.boot.listener.tracking.CloseReason;
import io.connlistener.boot.testsupport.CapturingAppender;
import io.connlistener.boot.testsupport.Java21Test;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.testsupport.Figures;
import io.connlistener.testsupport.LogCapture;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for message handlers over framing, serving real connections on the loopback
 * interface: order, back-pressure, the limits a peer meets, and the meters.
 */
@Timeout(120)
class MessageHandlerTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	final LogCapture log = CapturingAppender.capture();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(Handlers.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.defaults.address=127.0.0.1",
				"conn-listener.listeners.orders.port=0", "conn-listener.listeners.orders.framing.type=line",
				"conn-listener.listeners.binary.port=0", "conn-listener.listeners.binary.framing.type=length-field");

	@Test
	void pipelinedFramesInOneWriteGetTheirRepliesInOrder() {
		this.contextRunner.run((context) -> {
			ManagedConnListener orders = context.getBean(ConnListenerRegistry.class).get("orders");
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			new ConnListenerMetrics(context.getBean(ConnListenerRegistry.class)).bindTo(meters);
			try (LoopbackClient client = LoopbackClient.connect(orders.localAddress())) {
				client.send("a\r\nb\r\n");
				assertThat(client.readLine()).isEqualTo("OK a");
				assertThat(client.readLine()).isEqualTo("OK b");
			}
			await().atMost(WAIT).until(() -> orders.activeConnections() == 0);
			assertThat(orders.messages().received()).isEqualTo(2);
			assertThat(orders.messages().sent()).isEqualTo(2);
			assertThat(meters.get("conn.listener.messages.received").tags("listener", "orders").functionCounter().count())
				.isEqualTo(2);
			assertThat(meters.get("conn.listener.messages.sent").tags("listener", "orders").functionCounter().count())
				.isEqualTo(2);
			assertThat(meters.get("conn.listener.message.duration").tags("listener", "orders").timer().count())
				.isEqualTo(2);
			assertThat(meters.find("conn.listener.messages.received").tags("reason", "x").meters()).isEmpty();
		});
	}

	@Test
	void aMessageHandlerDeclaredAsALambdaTakesItsMessageTypeFromItsBeanMethod() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
			.withUserConfiguration(LambdaHandler.class)
			.withPropertyValues("conn-listener.io-threads=1", "conn-listener.defaults.address=127.0.0.1",
					"conn-listener.listeners.shout.port=0", "conn-listener.listeners.shout.framing.type=line")
			.run((context) -> {
				assertThat(context).hasNotFailed();
				ManagedConnListener shout = context.getBean(ConnListenerRegistry.class).get("shout");
				try (LoopbackClient client = LoopbackClient.connect(shout.localAddress())) {
					client.send("hello\r\n");
					assertThat(client.readLine()).isEqualTo("HELLO");
				}
			});
	}

	@Test
	void aFrameSplitOverWritesGetsOneReply() {
		this.contextRunner.run((context) -> {
			ManagedConnListener orders = context.getBean(ConnListenerRegistry.class).get("orders");
			try (LoopbackClient client = LoopbackClient.connect(orders.localAddress())) {
				client.send("hel");
				// The half frame is no message: nothing comes back while the rest is a second away.
				client.readTimeout(Duration.ofSeconds(1));
				assertThatExceptionOfType(java.io.UncheckedIOException.class).isThrownBy(client::readLine)
					.withCauseInstanceOf(SocketTimeoutException.class);
				client.readTimeout(WAIT);
				client.send("lo\r\n");
				assertThat(client.readLine()).isEqualTo("OK hello");
			}
			assertThat(orders.messages().received()).isEqualTo(1);
		});
	}

	@Test
	void aFrameOverTheMaxFrameSizeClosesTheConnectionAndIsCounted() {
		this.contextRunner.run((context) -> {
			ManagedConnListener orders = context.getBean(ConnListenerRegistry.class).get("orders");
			SimpleMeterRegistry meters = new SimpleMeterRegistry();
			new ConnListenerMetrics(context.getBean(ConnListenerRegistry.class)).bindTo(meters);
			try (Socket socket = connect(orders)) {
				byte[] chunk = new byte[8 * 1024];
				Arrays.fill(chunk, (byte) 'x');
				try {
					OutputStream output = socket.getOutputStream();
					for (int sent = 0; sent < 200 * 1024; sent += chunk.length) {
						output.write(chunk);
					}
				}
				catch (IOException ex) {
					// Closed at 64KB: the rest of the 200KB may meet a reset.
				}
				assertThat(readToEnd(socket)).isLessThanOrEqualTo(0);
			}
			await().atMost(WAIT).until(() -> orders.activeConnections() == 0);
			assertThat(orders.outcomes().count(CloseReason.FRAME_TOO_LARGE)).isOne();
			assertThat(meters.get("conn.listener.rejections")
				.tags("listener", "orders", "reason", "frame-too-large")
				.functionCounter()
				.count()).isOne();
			assertThat(orders.messages().received()).isZero();
		});
	}

	@Test
	void aLengthHeaderClaimingTwoGibibytesIsClosedAtOnce() {
		this.contextRunner.run((context) -> {
			ManagedConnListener binary = context.getBean(ConnListenerRegistry.class).get("binary");
			try (Socket socket = connect(binary)) {
				socket.getOutputStream().write(new byte[] { 0, 0, 0, 3, 'a', 'b', 'c' });
				assertThat(new String(readExactly(socket, 7), StandardCharsets.ISO_8859_1)).isEqualTo("\0\0\0\3abc");
				long start = System.nanoTime();
				socket.getOutputStream().write(new byte[] { (byte) 0x80, 0, 0, 0 });
				assertThat(readToEnd(socket)).isLessThanOrEqualTo(0);
				Figures.record("framing.length-header-2GiB.close", "%d ms",
						TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
			}
			await().atMost(WAIT).until(() -> binary.activeConnections() == 0);
			assertThat(binary.outcomes().count(CloseReason.FRAME_TOO_LARGE)).isOne();
		});
	}

	@Test
	void aPeerThatTricklesAFrameIsClosedAtTheFrameTimeout() {
		this.contextRunner.withPropertyValues("conn-listener.listeners.orders.framing.frame-timeout=600ms")
			.run((context) -> {
				ManagedConnListener orders = context.getBean(ConnListenerRegistry.class).get("orders");
				ScheduledExecutorService trickle = Executors.newSingleThreadScheduledExecutor();
				try (Socket socket = connect(orders)) {
					OutputStream output = socket.getOutputStream();
					long start = System.nanoTime();
					// One byte every 100ms: each arrives well within the timeout, the frame never does.
					trickle.scheduleAtFixedRate(() -> {
						try {
							output.write('x');
						}
						catch (IOException ex) {
							throw new IllegalStateException(ex);
						}
					}, 0, 100, TimeUnit.MILLISECONDS);
					assertThat(readToEnd(socket)).isLessThanOrEqualTo(0);
					assertThat(Duration.ofNanos(System.nanoTime() - start)).isGreaterThanOrEqualTo(Duration.ofMillis(600));
				}
				finally {
					trickle.shutdownNow();
				}
				await().atMost(WAIT).until(() -> orders.activeConnections() == 0);
				assertThat(orders.outcomes().count(CloseReason.FRAME_TIMEOUT)).isOne();
			});
	}

	@Test
	void aHandlerBlockedOnOneConnectionDoesNotDelayAnother() {
		this.contextRunner.run((context) -> {
			ManagedConnListener orders = context.getBean(ConnListenerRegistry.class).get("orders");
			Orders handler = context.getBean(Orders.class);
			try (LoopbackClient blocked = LoopbackClient.connect(orders.localAddress());
					LoopbackClient other = LoopbackClient.connect(orders.localAddress())) {
				blocked.send("block\r\nafter\r\n");
				assertThat(handler.blocking.await(10, TimeUnit.SECONDS)).isTrue();
				assertThat(other.exchange("ping")).isEqualTo("OK ping");
				assertThat(other.exchange("pong")).isEqualTo("OK pong");
				handler.gate.countDown();
				assertThat(blocked.readLine()).isEqualTo("OK block");
				assertThat(blocked.readLine()).isEqualTo("OK after");
			}
		});
	}

	@Test
	void aHandlerThatThrowsClosesItsConnectionAsAFailure() throws InterruptedException {
		this.contextRunner.run((context) -> {
			ManagedConnListener orders = context.getBean(ConnListenerRegistry.class).get("orders");
			try (LoopbackClient client = LoopbackClient.connect(orders.localAddress())) {
				client.send("fail\r\n");
				assertThat(client.isClosedByPeer()).isTrue();
			}
			await().atMost(WAIT).until(() -> orders.outcomes().count(CloseReason.HANDLER_FAILED) == 1);
		});
		assertThat(this.log.awaitEntry(Level.WARNING, "Message handler of listener 'orders' failed").thrown())
			.hasMessage("asked to fail");
	}

	@Test
	void sendAndNoReplyAndAttributesServeAProtocolOfItsOwn() {
		this.contextRunner.run((context) -> {
			ManagedConnListener orders = context.getBean(ConnListenerRegistry.class).get("orders");
			try (LoopbackClient client = LoopbackClient.connect(orders.localAddress())) {
				client.send("quiet\r\ncount\r\ncount\r\n");
				assertThat(client.readLine()).isEqualTo("extra 1");
				assertThat(client.readLine()).isEqualTo("OK count");
				assertThat(client.readLine()).isEqualTo("extra 2");
				assertThat(client.readLine()).isEqualTo("OK count");
				client.send("bye\r\n");
				assertThat(client.readLine()).isEqualTo("OK bye");
				assertThat(client.isClosedByPeer()).isTrue();
			}
			await().atMost(WAIT).until(() -> orders.activeConnections() == 0);
			assertThat(orders.messages().received()).isEqualTo(4);
			assertThat(orders.messages().sent()).isEqualTo(5);
		});
	}

	@Java21Test
	void withVirtualThreadsEnabledHandlersRunOnVirtualThreads() {
		this.contextRunner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			ManagedConnListener orders = context.getBean(ConnListenerRegistry.class).get("orders");
			try (LoopbackClient client = LoopbackClient.connect(orders.localAddress())) {
				assertThat(client.exchange("thread")).startsWith("OK VirtualThread[");
			}
		});
	}

	@Test
	void aThousandConnectionsOfAHundredMessagesEachGetEveryReply() {
		this.contextRunner.run((context) -> {
			ManagedConnListener orders = context.getBean(ConnListenerRegistry.class).get("orders");
			int threads = 50;
			int connectionsPerThread = 20;
			int messages = 100;
			ExecutorService clients = Executors.newFixedThreadPool(threads);
			long start = System.nanoTime();
			try {
				List<Future<Integer>> results = new ArrayList<>();
				for (int t = 0; t < threads; t++) {
					int thread = t;
					results.add(clients.submit(() -> converse(orders, thread, connectionsPerThread, messages)));
				}
				int verified = 0;
				for (Future<Integer> result : results) {
					verified += result.get(90, TimeUnit.SECONDS);
				}
				assertThat(verified).isEqualTo(threads * connectionsPerThread * messages);
			}
			finally {
				clients.shutdownNow();
			}
			Figures.record("framing.message-handler.1000x100", "%d ms",
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start));
			await().atMost(Duration.ofSeconds(30)).until(() -> orders.activeConnections() == 0);
			assertThat(orders.messages().received()).isEqualTo(100_000);
			assertThat(orders.messages().sent()).isEqualTo(100_000);
			assertThat(orders.outcomes().count(CloseReason.CLOSED)).isEqualTo(1000);
		});
	}

	/**
	 * Open connections, then send each a message and read each reply, round after round.
	 */
	private static int converse(ManagedConnListener listener, int thread, int connections, int messages) {
		List<LoopbackClient> clients = new ArrayList<>();
		int verified = 0;
		try {
			for (int c = 0; c < connections; c++) {
				clients.add(LoopbackClient.connect(listener.localAddress()));
			}
			for (int m = 0; m < messages; m++) {
				for (int c = 0; c < connections; c++) {
					clients.get(c).send(thread + "-" + c + "-" + m + "\r\n");
				}
				for (int c = 0; c < connections; c++) {
					String expected = "OK " + thread + "-" + c + "-" + m;
					assertThat(clients.get(c).readLine()).isEqualTo(expected);
					verified++;
				}
			}
		}
		finally {
			clients.forEach(LoopbackClient::close);
		}
		return verified;
	}

	private static Socket connect(ManagedConnListener listener) throws IOException {
		Socket socket = new Socket();
		socket.connect(new InetSocketAddress("127.0.0.1", ((InetSocketAddress) listener.localAddress()).getPort()),
				(int) WAIT.toMillis());
		socket.setSoTimeout((int) WAIT.toMillis());
		return socket;
	}

	/**
	 * Read until the server closes: -1 for end of stream, 0 for a reset, else what came.
	 */
	private static int readToEnd(Socket socket) {
		try {
			InputStream input = socket.getInputStream();
			int count = 0;
			while (input.read() != -1) {
				count++;
			}
			return (count > 0) ? count : -1;
		}
		catch (SocketTimeoutException ex) {
			throw new AssertionError("The server did not close the connection", ex);
		}
		catch (IOException ex) {
			return 0;
		}
	}

	private static byte[] readExactly(Socket socket, int length) throws IOException {
		return socket.getInputStream().readNBytes(length);
	}

	@Configuration(proxyBeanMethods = false)
	static class LambdaHandler {

		@Bean
		@ConnectionHandler("shout")
		MessageHandler<String> shout() {
			return (line, context) -> line.toUpperCase(Locale.ROOT);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		@ConnectionHandler("orders")
		Orders orders() {
			return new Orders();
		}

		@Bean
		@ConnectionHandler("binary")
		Binary binary() {
			return new Binary();
		}

	}

	static class Orders implements MessageHandler<String> {

		final CountDownLatch blocking = new CountDownLatch(1);

		final CountDownLatch gate = new CountDownLatch(1);

		@Override
		public String onMessage(String line, MessageContext context) {
			switch (line) {
				case "block" -> {
					this.blocking.countDown();
					try {
						assertThat(this.gate.await(30, TimeUnit.SECONDS)).isTrue();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}
				case "fail" -> throw new IllegalStateException("asked to fail");
				case "quiet" -> {
					return null;
				}
				case "count" -> {
					int count = (Integer) context.attributes().merge("count", 1, (a, b) -> (Integer) a + (Integer) b);
					context.send("extra " + count);
				}
				case "thread" -> {
					return "OK " + Thread.currentThread();
				}
				case "bye" -> context.close();
				default -> {
				}
			}
			return "OK " + line;
		}

	}

	static class Binary implements MessageHandler<byte[]> {

		@Override
		public byte[] onMessage(byte[] message, MessageContext context) {
			return message;
		}

	}

}
