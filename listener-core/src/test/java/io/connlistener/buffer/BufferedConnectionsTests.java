package io.connlistener.buffer;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Map;
import java.util.concurrent.Callable;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Supplier;

import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link BufferedConnections}: many concurrent connections spread over a group.
 */
class BufferedConnectionsTests {

	private static final int CONNECTIONS = 1000;

	private static final int MESSAGES = 100;

	private static final int CLIENT_THREADS = 4;

	private static final Duration WAIT = Duration.ofSeconds(30);

	private final ExecutorService clients = Executors.newFixedThreadPool(CLIENT_THREADS);

	private BufferedServer server;

	@AfterEach
	void close() {
		this.clients.shutdownNow();
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	@Timeout(120)
	void thousandConcurrentConnectionsEachEchoAHundredMessagesAndAllClose() throws Exception {
		AtomicInteger opened = new AtomicInteger();
		AtomicInteger closed = new AtomicInteger();
		BufferedHandler echo = new BufferedHandler() {

			@Override
			public void onOpen(BufferedConnection connection) {
				opened.incrementAndGet();
				connection.onClose(closed::incrementAndGet);
			}

			@Override
			public void onRead(BufferedConnection connection) {
				connection.input().moveTo(connection.output());
			}

		};
		this.server = new BufferedServer(2, () -> echo, BufferedConnectionSettings.DEFAULTS);
		BufferedServer.FileDescriptors baseline = BufferedServer.FileDescriptors.now();
		List<Future<Long>> results = new ArrayList<>();
		for (int thread = 0; thread < CLIENT_THREADS; thread++) {
			int first = thread * (CONNECTIONS / CLIENT_THREADS);
			results.add(this.clients.submit(echoClients(first, CONNECTIONS / CLIENT_THREADS)));
		}
		long verified = 0;
		for (Future<Long> result : results) {
			verified += result.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		}
		assertThat(verified).isEqualTo((long) CONNECTIONS * MESSAGES);
		assertThat(opened).hasValue(CONNECTIONS);
		assertThat(this.server.listener.stats().accepted()).isEqualTo(CONNECTIONS);
		assertThat(this.server.group.loops()).allSatisfy((loop) -> assertThat(loop.registeredChannels()).isPositive());
		this.server.closeClients();
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(closed).hasValue(CONNECTIONS);
			assertThat(this.server.listener.stats().activeConnections()).isZero();
		});
		baseline.awaitBackToThis(WAIT);
	}

	@Test
	void trafficCountsExactlyTheBytesEachSocketMovedPerConnectionAndInAll() throws Exception {
		LongAdder received = new LongAdder();
		LongAdder sent = new LongAdder();
		TrafficCounter traffic = new TrafficCounter() {

			@Override
			public void received(long bytes) {
				received.add(bytes);
			}

			@Override
			public void sent(long bytes) {
				sent.add(bytes);
			}

		};
		List<BufferedConnection> served = new CopyOnWriteArrayList<>();
		BufferedHandler echoTwice = new BufferedHandler() {

			@Override
			public void onOpen(BufferedConnection connection) {
				served.add(connection);
			}

			@Override
			public void onRead(BufferedConnection connection) {
				// Twice what arrived: sent and received differ, so that neither stands for the other.
				byte[] bytes = new byte[connection.input().readableBytes()];
				connection.input().read(bytes);
				connection.write(bytes);
				connection.write(bytes);
			}

		};
		this.server = new BufferedServer(new EventLoopGroup(2, "traffic-test-io"), (group) -> new BufferedConnections(
				group, () -> echoTwice, BufferedConnectionSettings.DEFAULTS, BufferedConnections.LoopChoice.ROUND_ROBIN,
				traffic));
		int[] sizes = { 1, 64, 4096, 100_000 };
		for (int size : sizes) {
			try (SocketChannel client = this.server.connect()) {
				ByteBuffer message = ByteBuffer.allocate(size);
				while (message.hasRemaining()) {
					client.write(message);
				}
				ByteBuffer answer = ByteBuffer.allocate(2 * size);
				while (answer.hasRemaining() && client.read(answer) >= 0) {
					// Until the whole answer is in.
				}
				assertThat(answer.hasRemaining()).isFalse();
			}
		}
		await().atMost(WAIT)
			.until(() -> served.size() == sizes.length && served.stream().noneMatch(BufferedConnection::isOpen));
		long total = 0;
		for (int i = 0; i < sizes.length; i++) {
			assertThat(served.get(i).bytesReceived()).as("received, %d bytes", sizes[i]).isEqualTo(sizes[i]);
			assertThat(served.get(i).bytesSent()).as("sent, %d bytes", sizes[i]).isEqualTo(2L * sizes[i]);
			total += sizes[i];
		}
		assertThat(received.sum()).isEqualTo(total);
		assertThat(sent.sum()).isEqualTo(2 * total);
	}

	@Test
	@Timeout(30)
	void leastLoadedChoiceSpreadsConnectionsEvenly() throws Exception {
		List<EventLoop> loops = new CopyOnWriteArrayList<>();
		Supplier<BufferedHandler> handlers = () -> new BufferedHandler() {

			@Override
			public void onOpen(BufferedConnection connection) {
				loops.add(connection.loop());
			}

			@Override
			public void onRead(BufferedConnection connection) {
				connection.input().moveTo(connection.output());
			}

		};
		this.server = new BufferedServer(2, handlers, BufferedConnectionSettings.DEFAULTS,
				BufferedConnections.LoopChoice.LEAST_LOADED);
		for (int i = 1; i <= 4; i++) {
			this.server.connect();
			int opened = i;
			await().atMost(WAIT).untilAsserted(() -> assertThat(loops).hasSize(opened));
		}
		assertThat(loops.stream().distinct()).hasSize(2);
		assertThat(loops.stream().filter((loop) -> loop == loops.get(0))).hasSize(2);
	}

	@Test
	@Timeout(60)
	void connectionsEndingInEveryWayAreAllFreedAfterExactlyOneEvent() throws Exception {
		Map<Integer, List<ConnectionEvent>> eventsByPort = new ConcurrentHashMap<>();
		AtomicInteger freed = new AtomicInteger();
		Supplier<BufferedHandler> handlers = () -> new RecordingHandler() {

			@Override
			public void onOpen(BufferedConnection connection) {
				eventsByPort.put(((InetSocketAddress) connection.remoteAddress()).getPort(), this.events);
				connection.onClose(freed::incrementAndGet);
			}

		};
		this.server = new BufferedServer(2, handlers, new BufferedConnectionSettings(4096, 16 * 1024, 8 * 1024,
				32 * 1024, null, null));
		BufferedServer.FileDescriptors baseline = BufferedServer.FileDescriptors.now();
		int connections = 200;
		Map<Integer, ConnectionEvent> expected = new ConcurrentHashMap<>();
		List<Future<?>> clients = new ArrayList<>();
		for (int thread = 0; thread < CLIENT_THREADS; thread++) {
			int first = thread;
			clients.add(this.clients.submit(() -> {
				for (int i = first; i < connections; i += CLIENT_THREADS) {
					SocketChannel channel = this.server.connect();
					int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
					expected.put(port, endConnection(channel, i % 4));
				}
				return null;
			}));
		}
		for (Future<?> client : clients) {
			client.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		}
		await().atMost(WAIT).untilAsserted(() -> assertThat(freed).hasValue(connections));
		assertThat(eventsByPort).hasSize(connections);
		expected.forEach((port, event) -> assertThat(eventsByPort.get(port)).as("port " + port).containsExactly(event));
		baseline.awaitBackToThis(WAIT);
	}

	@Test
	@Timeout(30)
	void closeAllClosesTheConnectionsStillOpen() throws Exception {
		AtomicInteger opened = new AtomicInteger();
		BufferedHandler idle = new BufferedHandler() {

			@Override
			public void onOpen(BufferedConnection connection) {
				opened.incrementAndGet();
			}

			@Override
			public void onRead(BufferedConnection connection) {
			}

		};
		AtomicReference<BufferedConnections> created = new AtomicReference<>();
		this.server = new BufferedServer(new EventLoopGroup(1, "close-all-test"), (group) -> {
			created.set(BufferedConnections.shared(group, idle, BufferedConnectionSettings.DEFAULTS));
			return created.get();
		});
		BufferedConnections acceptor = created.get();
		List<SocketChannel> channels = new ArrayList<>();
		for (int i = 0; i < 10; i++) {
			channels.add(this.server.connect());
		}
		await().atMost(WAIT).untilAsserted(() -> assertThat(opened).hasValue(10));
		assertThat(acceptor.openConnections()).isEqualTo(10);
		assertThat(acceptor.closeAll()).isEqualTo(10);
		for (SocketChannel channel : channels) {
			assertThat(channel.read(ByteBuffer.allocate(1))).isEqualTo(-1);
		}
		await().atMost(WAIT).untilAsserted(() -> {
			assertThat(acceptor.openConnections()).isZero();
			assertThat(this.server.listener.stats().activeConnections()).isZero();
		});
	}

	/**
	 * End a connection in one of four ways and return the event the server should see.
	 */
	private static ConnectionEvent endConnection(SocketChannel channel, int way) throws IOException {
		byte[] chunk = new byte[8 * 1024];
		switch (way) {
			case 0 -> {
				// Echo a few chunks, then close cleanly.
				for (int i = 0; i < 4; i++) {
					BufferedServer.writeFully(channel, chunk);
					BufferedServer.readFully(channel, chunk.length, chunk.length);
				}
				channel.close();
				return ConnectionEvent.EOF;
			}
			case 1 -> {
				// Send what the socket takes at once, then reset.
				channel.configureBlocking(false);
				channel.write(ByteBuffer.wrap(new byte[256 * 1024]));
				channel.setOption(StandardSocketOptions.SO_LINGER, 0);
				channel.close();
				return ConnectionEvent.ERROR;
			}
			case 2 -> {
				// Half-close, read the whole echo and the server's close.
				BufferedServer.writeFully(channel, chunk);
				channel.shutdownOutput();
				BufferedServer.readFully(channel, chunk.length, chunk.length);
				assertThat(channel.read(ByteBuffer.allocate(1))).isEqualTo(-1);
				channel.close();
				return ConnectionEvent.EOF;
			}
			default -> {
				// Close with the echo unread, which the kernel turns into a reset.
				BufferedServer.writeFully(channel, chunk);
				BufferedServer.readFully(channel, 1, 1);
				channel.close();
				return ConnectionEvent.ERROR;
			}
		}
	}

	/**
	 * Open {@code count} connections at once, then in each round send one message on every
	 * connection and read every echo back.
	 */
	private Callable<Long> echoClients(int first, int count) {
		return () -> {
			List<SocketChannel> channels = new ArrayList<>(count);
			for (int i = 0; i < count; i++) {
				channels.add(this.server.connect());
			}
			long verified = 0;
			ByteBuffer received = ByteBuffer.allocate(64);
			for (int round = 0; round < MESSAGES; round++) {
				for (int i = 0; i < count; i++) {
					BufferedServer.writeFully(channels.get(i), message(first + i, round));
				}
				for (int i = 0; i < count; i++) {
					byte[] expected = message(first + i, round);
					received.clear().limit(expected.length);
					while (received.hasRemaining()) {
						if (channels.get(i).read(received) < 0) {
							throw new IOException("Connection " + (first + i) + " ended in round " + round);
						}
					}
					assertThat(received.array()).startsWith(expected);
					verified++;
				}
			}
			return verified;
		};
	}

	private static byte[] message(int connection, int round) {
		return String.format("connection %4d round %3d|", connection, round).getBytes(StandardCharsets.US_ASCII);
	}

}
