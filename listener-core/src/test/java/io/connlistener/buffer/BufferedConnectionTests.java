package io.connlistener.buffer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.function.Supplier;

import io.connlistener.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link BufferedConnection} over real loopback sockets.
 */
class BufferedConnectionTests {

	private static final int READ_BUFFER_SIZE = 8 * 1024;

	private static final int READ_HIGH_WATERMARK = 32 * 1024;

	private static final int WRITE_HIGH_WATERMARK = 64 * 1024;

	private static final BufferedConnectionSettings SETTINGS = new BufferedConnectionSettings(READ_BUFFER_SIZE,
			READ_HIGH_WATERMARK, 16 * 1024, WRITE_HIGH_WATERMARK, null, null);

	private static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	final LogCapture log = LogCapture.julLoggers("io.connlistener");

	private final ExecutorService executor = Executors.newFixedThreadPool(2);

	private BufferedServer server;

	@AfterEach
	void close() {
		this.executor.shutdownNow();
		if (this.server != null) {
			this.server.close();
		}
	}

	@ParameterizedTest(name = "{0} bytes")
	@ValueSource(ints = { 1, 64 * 1024, 8 * 1024 * 1024 })
	@Timeout(60)
	void echoesPayloadToASlowReaderWithinTheWatermarks(int size) throws Exception {
		RecordingHandler handler = new RecordingHandler(BufferedConnectionTests::smallSendBuffer);
		BufferedServer.FileDescriptors baseline = start(() -> handler, SETTINGS);
		SocketChannel client = this.server.connect(64 * 1024);
		byte[] payload = randomBytes(size);
		Future<?> writer = this.executor.submit(() -> {
			BufferedServer.writeFully(client, payload);
			client.shutdownOutput();
			return null;
		});
		assertThat(handler.opened.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		if (size > 1024 * 1024) {
			// The client has not read a byte yet: the server must stop reading, not buffer.
			assertThat(handler.paused.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		}
		byte[] received = new byte[size];
		ByteBuffer target = ByteBuffer.wrap(received);
		int maxOutput = 0;
		while (target.position() < size) {
			target.limit(Math.min(size, target.position() + 4096));
			assertThat(client.read(target)).isNotNegative();
			maxOutput = Math.max(maxOutput, handler.connection.outputBufferedBytes());
		}
		writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(client.read(ByteBuffer.allocate(1))).isEqualTo(-1);
		BufferedServer.assertSameBytes(received, payload);
		int bound = WRITE_HIGH_WATERMARK + READ_HIGH_WATERMARK + READ_BUFFER_SIZE;
		assertThat(handler.maxBuffered.get()).isLessThanOrEqualTo(bound);
		assertThat(maxOutput).isLessThanOrEqualTo(bound);
		assertClosedOnceAfter(handler, baseline, ConnectionEvent.EOF);
	}

	@Test
	@Timeout(30)
	void halfClosingPeerGetsTheWholeEchoThenEndOfStream() throws Exception {
		RecordingHandler handler = new RecordingHandler();
		BufferedServer.FileDescriptors baseline = start(() -> handler, SETTINGS);
		SocketChannel client = this.server.connect();
		byte[] payload = randomBytes(100 * 1024);
		Future<?> writer = this.executor.submit(() -> {
			BufferedServer.writeFully(client, payload);
			client.shutdownOutput();
			return null;
		});
		byte[] received = BufferedServer.readFully(client, payload.length, 64 * 1024);
		writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		BufferedServer.assertSameBytes(received, payload);
		assertThat(client.read(ByteBuffer.allocate(1))).isEqualTo(-1);
		assertClosedOnceAfter(handler, baseline, ConnectionEvent.EOF);
	}

	@Test
	@Timeout(30)
	void peerClosingWhileTheServerWritesFiresErrorOnce() throws Exception {
		byte[] payload = randomBytes(8 * 1024 * 1024);
		RecordingHandler handler = new RecordingHandler((connection) -> {
			smallSendBuffer(connection);
			connection.output().add(payload);
		});
		BufferedServer.FileDescriptors baseline = start(() -> handler, SETTINGS);
		SocketChannel client = this.server.connect(16 * 1024);
		BufferedServer.readFully(client, 1024, 1024);
		client.close();
		assertClosedOnceAfter(handler, baseline, ConnectionEvent.ERROR);
		assertThat(handler.connection.error()).isNotNull();
	}

	@Test
	@Timeout(30)
	void peerResetFiresErrorOnce() throws Exception {
		RecordingHandler handler = new RecordingHandler();
		BufferedServer.FileDescriptors baseline = start(() -> handler, SETTINGS);
		SocketChannel client = this.server.connect();
		assertThat(handler.opened.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		client.setOption(StandardSocketOptions.SO_LINGER, 0);
		client.close();
		assertClosedOnceAfter(handler, baseline, ConnectionEvent.ERROR);
	}

	@Test
	@Timeout(30)
	void silentPeerGetsAReadTimeout() throws Exception {
		RecordingHandler handler = new RecordingHandler();
		BufferedServer.FileDescriptors baseline = start(() -> handler, SETTINGS.withTimeouts(Duration.ofMillis(200), null));
		SocketChannel client = this.server.connect();
		assertThat(client.read(ByteBuffer.allocate(1))).isEqualTo(-1);
		assertClosedOnceAfter(handler, baseline, ConnectionEvent.READ_TIMEOUT);
	}

	@Test
	@Timeout(30)
	void busyPeerIsNotTimedOut() throws Exception {
		RecordingHandler handler = new RecordingHandler();
		start(() -> handler, SETTINGS.withTimeouts(Duration.ofSeconds(1), Duration.ofSeconds(1)));
		SocketChannel client = this.server.connect();
		byte[] message = "ping".getBytes(StandardCharsets.US_ASCII);
		CountDownLatch answered = new CountDownLatch(15);
		ScheduledExecutorService pinger = Executors.newSingleThreadScheduledExecutor();
		try {
			// A ping every 100 ms for 1.5 s: longer than the timeouts, never idle for one.
			pinger.scheduleAtFixedRate(() -> {
				try {
					roundTrip(client, message);
					answered.countDown();
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}, 0, 100, TimeUnit.MILLISECONDS);
			assertThat(answered.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		}
		finally {
			pinger.shutdownNow();
		}
		assertThat(handler.events).isEmpty();
		assertThat(handler.connection.isOpen()).isTrue();
	}

	@Test
	@Timeout(30)
	void peerThatNeverReadsGetsAWriteTimeout() throws Exception {
		byte[] payload = randomBytes(4 * 1024 * 1024);
		RecordingHandler handler = new RecordingHandler((connection) -> {
			smallSendBuffer(connection);
			connection.output().add(payload);
		});
		BufferedServer.FileDescriptors baseline = start(() -> handler, SETTINGS.withTimeouts(null, Duration.ofMillis(300)));
		this.server.connect(16 * 1024);
		assertClosedOnceAfter(handler, baseline, ConnectionEvent.WRITE_TIMEOUT);
	}

	@Test
	@Timeout(30)
	void closeAfterFlushWritesEverythingThenCloses() throws Exception {
		byte[] payload = randomBytes(1024 * 1024);
		RecordingHandler handler = new RecordingHandler((connection) -> {
			smallSendBuffer(connection);
			connection.write(payload);
			connection.closeAfterFlush();
		});
		BufferedServer.FileDescriptors baseline = start(() -> handler, SETTINGS);
		SocketChannel client = this.server.connect();
		BufferedServer.assertSameBytes(BufferedServer.readFully(client, payload.length, 8192), payload);
		assertThat(client.read(ByteBuffer.allocate(1))).isEqualTo(-1);
		client.close();
		assertClosedOnceAfter(handler, baseline);
	}

	@Test
	@Timeout(30)
	void writesFromAnotherThreadAreHandedToTheLoop() throws Exception {
		RecordingHandler handler = new RecordingHandler();
		start(() -> handler, SETTINGS);
		SocketChannel client = this.server.connect();
		assertThat(handler.opened.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		handler.connection.write("hello ".getBytes(StandardCharsets.US_ASCII));
		handler.connection.write(ByteBuffer.wrap("world".getBytes(StandardCharsets.US_ASCII)));
		assertThat(new String(BufferedServer.readFully(client, 11, 11), StandardCharsets.US_ASCII))
			.isEqualTo("hello world");
		handler.connection.close();
		assertThat(client.read(ByteBuffer.allocate(1))).isEqualTo(-1);
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(handler.events).isEmpty();
	}

	@Test
	@Timeout(30)
	void handlerThatThrowsIsCountedAndItsConnectionClosedWhileTheLoopGoesOn() throws Exception {
		AtomicInteger created = new AtomicInteger();
		RecordingHandler echo = new RecordingHandler();
		start(() -> (created.getAndIncrement() == 0) ? new RecordingHandler() {
			@Override
			public void onRead(BufferedConnection connection) {
				throw new IllegalStateException("boom");
			}
		} : echo, SETTINGS);
		long failures = BufferedConnection.handlerFailures(this.server.group.loops().get(0));
		SocketChannel failing = this.server.connect();
		BufferedServer.writeFully(failing, new byte[] { 1 });
		assertThat(failing.read(ByteBuffer.allocate(1))).isEqualTo(-1);
		assertThat(BufferedConnection.handlerFailures(this.server.group.loops().get(0))).isEqualTo(failures + 1);
		assertThat(this.log.awaitEntry(Level.WARNING, "failed in onRead for the connection from").thrown())
			.hasMessage("boom");
		SocketChannel working = this.server.connect();
		BufferedServer.writeFully(working, new byte[] { 2 });
		assertThat(BufferedServer.readFully(working, 1, 1)).containsExactly(2);
	}

	@Test
	@Timeout(30)
	void steadyStateEchoReusesPooledSegments() throws Exception {
		RecordingHandler handler = new RecordingHandler();
		start(() -> handler, SETTINGS);
		SocketChannel client = this.server.connect();
		byte[] message = randomBytes(100);
		for (int i = 0; i < 20; i++) {
			roundTrip(client, message);
		}
		long allocated = allocatedSegments(handler.connection);
		for (int i = 0; i < 1000; i++) {
			roundTrip(client, message);
		}
		assertThat(allocatedSegments(handler.connection)).isEqualTo(allocated);
	}

	@Test
	@Timeout(30)
	void handlerThatDoesNotConsumeStopsReadingAtTheReadHighWatermark() throws Exception {
		AtomicInteger maxInput = new AtomicInteger();
		AtomicLong consumed = new AtomicLong();
		AtomicBoolean holding = new AtomicBoolean(true);
		RecordingHandler handler = new RecordingHandler() {
			@Override
			public void onRead(BufferedConnection connection) {
				maxInput.accumulateAndGet(connection.input().readableBytes(), Math::max);
				if (!holding.get()) {
					consumed.addAndGet(connection.input().readableBytes());
					connection.input().drain(Integer.MAX_VALUE);
				}
			}
		};
		start(() -> handler, SETTINGS);
		SocketChannel client = this.server.connect();
		byte[] payload = randomBytes(1024 * 1024);
		Future<?> writer = this.executor.submit(() -> {
			BufferedServer.writeFully(client, payload);
			return null;
		});
		assertThat(handler.opened.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		await().atMost(WAIT).until(() -> maxInput.get() >= READ_HIGH_WATERMARK);
		CompletableFuture.runAsync(() -> {
			holding.set(false);
			consumed.addAndGet(handler.connection.input().readableBytes());
			handler.connection.input().drain(Integer.MAX_VALUE);
		}, handler.connection.loop()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
		writer.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		await().atMost(WAIT).untilAsserted(() -> assertThat(consumed).hasValue(payload.length));
		assertThat(maxInput.get()).isLessThan(READ_HIGH_WATERMARK + READ_BUFFER_SIZE);
	}

	@Test
	@Timeout(30)
	void closeHookAddedAfterTheConnectionClosedRunsAtOnce() throws Exception {
		RecordingHandler handler = new RecordingHandler();
		start(() -> handler, SETTINGS);
		this.server.connect();
		assertThat(handler.opened.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		handler.connection.close();
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		CountDownLatch late = new CountDownLatch(1);
		handler.connection.onClose(late::countDown);
		assertThat(late.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(handler.closes).hasValue(1);
		assertThat(handler.connection.isOpen()).isFalse();
	}

	private BufferedServer.FileDescriptors start(Supplier<? extends BufferedHandler> handlers, BufferedConnectionSettings settings)
			throws IOException {
		this.server = new BufferedServer(1, handlers, settings);
		return BufferedServer.FileDescriptors.now();
	}

	private void assertClosedOnceAfter(RecordingHandler handler, BufferedServer.FileDescriptors baseline, ConnectionEvent... events)
			throws InterruptedException {
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(handler.events).containsExactly(events);
		assertThat(handler.closes).hasValue(1);
		assertThat(handler.connection.isOpen()).isFalse();
		this.server.closeClients();
		baseline.awaitBackToThis(WAIT);
		assertThat(handler.events).containsExactly(events);
		assertThat(handler.closes).hasValue(1);
	}

	private static void roundTrip(SocketChannel client, byte[] message) throws IOException {
		BufferedServer.writeFully(client, message);
		assertThat(BufferedServer.readFully(client, message.length, message.length)).isEqualTo(message);
	}

	private static long allocatedSegments(BufferedConnection connection) throws Exception {
		return CompletableFuture.supplyAsync(() -> connection.input().pool().allocated(), connection.loop())
			.get(WAIT.toSeconds(), TimeUnit.SECONDS);
	}

	private static void smallSendBuffer(BufferedConnection connection) {
		try {
			connection.channel().setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static byte[] randomBytes(int size) {
		byte[] bytes = new byte[size];
		new Random(size).nextBytes(bytes);
		return bytes;
	}

}
