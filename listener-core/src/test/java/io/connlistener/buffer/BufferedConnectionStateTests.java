package io.connlistener.buffer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Supplier;

import io.connlistener.loop.EventLoop;
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
 * Tests for the moves of a {@link BufferedConnection} between its {@link ConnectionState
 * states}, over real loopback sockets: what fires on each, and what no longer does.
 */
@Timeout(30)
class BufferedConnectionStateTests {

	private static final BufferedConnectionSettings SETTINGS = new BufferedConnectionSettings(8 * 1024, 32 * 1024,
			16 * 1024, 64 * 1024, null, null);

	private static final Duration TIMEOUT = Duration.ofMillis(200);

	/** Far more than the kernel buffers of {@link #connectSlowReader()} hold. */
	private static final int ANSWER = 4 * 1024 * 1024;

	private static final Duration WAIT = Duration.ofSeconds(20);

	@RegisterExtension
	final LogCapture log = LogCapture.julLoggers("io.connlistener");

	private BufferedServer server;

	@AfterEach
	void close() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void writesAfterCloseAreDroppedOnAndOffTheLoop() throws Exception {
		byte[] late = "late".getBytes(StandardCharsets.US_ASCII);
		RecordingHandler handler = new RecordingHandler((connection) -> connection.onClose(() -> connection.write(late)));
		start(handler, SETTINGS);
		SocketChannel client = this.server.connect();
		assertThat(handler.opened.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		BufferedConnection connection = handler.connection;
		connection.close();
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		int freeSegments = onLoop(connection, () -> connection.output().pool().free());
		connection.write(late);
		connection.write(ByteBuffer.wrap(late));
		onLoop(connection, () -> {
			connection.write(late);
			connection.write(ByteBuffer.wrap(late));
			return null;
		});
		// After the writes handed to the loop, which runs its tasks in order.
		assertThat(onLoop(connection, () -> connection.output().readableBytes())).isZero();
		assertThat(onLoop(connection, () -> connection.output().pool().free())).isEqualTo(freeSegments);
		assertThat(connection.outputBufferedBytes()).isZero();
		assertThat(connection.isOpen()).isFalse();
		assertThat(client.read(ByteBuffer.allocate(1))).isEqualTo(-1);
		assertThat(handler.events).isEmpty();
		assertThat(handler.closes).hasValue(1);
	}

	@Test
	void endOfStreamWithOutputQueuedFiresOnceTheOutputIsFlushed() throws Exception {
		byte[] answer = randomBytes(ANSWER);
		AtomicInteger outputAtEndOfStream = new AtomicInteger(-1);
		RecordingHandler handler = new Answering(answer) {

			@Override
			public void onEvent(BufferedConnection connection, ConnectionEvent event) {
				outputAtEndOfStream.set(connection.output().readableBytes());
				super.onEvent(connection, event);
			}

		};
		start(handler, SETTINGS);
		SocketChannel client = connectSlowReader();
		BufferedServer.writeFully(client, new byte[] { 1 });
		client.shutdownOutput();
		awaitState(handler, ConnectionState.EOF_PENDING);
		assertThat(handler.events).isEmpty();
		BufferedServer.assertSameBytes(BufferedServer.readFully(client, answer.length, 64 * 1024), answer);
		assertThat(client.read(ByteBuffer.allocate(1))).isEqualTo(-1);
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(handler.events).containsExactly(ConnectionEvent.EOF);
		assertThat(outputAtEndOfStream).hasValue(0);
	}

	@Test
	void outputThatIsDroppedWhileEndOfStreamIsPendingFiresIt() throws Exception {
		RecordingHandler handler = new RecordingHandler() {

			@Override
			public void onRead(BufferedConnection connection) {
				connection.input().drain(Integer.MAX_VALUE);
				// Queued for good: only dropping it can settle the end of the stream.
				connection.disableWrite();
				connection.write(new byte[1024]);
			}

		};
		start(handler, SETTINGS);
		SocketChannel client = this.server.connect();
		BufferedServer.writeFully(client, new byte[] { 1 });
		client.shutdownOutput();
		awaitState(handler, ConnectionState.EOF_PENDING);
		BufferedConnection connection = handler.connection;
		onLoop(connection, () -> {
			connection.output().drain(Integer.MAX_VALUE);
			return null;
		});
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(handler.events).containsExactly(ConnectionEvent.EOF);
	}

	@Test
	void peerThatHalfClosesStillGetsWhatTheHandlerWritesAfterEndOfStream() throws Exception {
		RecordingHandler handler = new RecordingHandler() {

			@Override
			public void onEvent(BufferedConnection connection, ConnectionEvent event) {
				this.events.add(event);
				connection.write("bye".getBytes(StandardCharsets.US_ASCII));
			}

		};
		start(handler, SETTINGS);
		SocketChannel client = this.server.connect();
		BufferedServer.writeFully(client, "hello".getBytes(StandardCharsets.US_ASCII));
		client.shutdownOutput();
		assertThat(new String(BufferedServer.readFully(client, 8, 8), StandardCharsets.US_ASCII)).isEqualTo("hellobye");
		handler.connection.write(" and out".getBytes(StandardCharsets.US_ASCII));
		assertThat(new String(BufferedServer.readFully(client, 8, 8), StandardCharsets.US_ASCII)).isEqualTo(" and out");
		handler.connection.close();
		assertThat(client.read(ByteBuffer.allocate(1))).isEqualTo(-1);
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(handler.events).containsExactly(ConnectionEvent.EOF);
	}

	@Test
	void closeAfterFlushInACallbackFlushesAndCallsNothingButTheCloseHooks() throws Exception {
		byte[] answer = randomBytes(1024 * 1024);
		AtomicBoolean closing = new AtomicBoolean();
		List<String> callsAfterClosing = new CopyOnWriteArrayList<>();
		RecordingHandler handler = new RecordingHandler() {

			@Override
			public void onRead(BufferedConnection connection) {
				if (closing.get()) {
					callsAfterClosing.add("onRead");
				}
				connection.input().drain(Integer.MAX_VALUE);
				// Over the write high watermark: an onWrite would be owed once it drains.
				connection.write(answer);
				connection.closeAfterFlush();
				closing.set(true);
			}

			@Override
			public void onWrite(BufferedConnection connection) {
				callsAfterClosing.add("onWrite");
			}

			@Override
			public void onEvent(BufferedConnection connection, ConnectionEvent event) {
				callsAfterClosing.add("onEvent(" + event + ")");
				connection.close();
			}

		};
		start(handler, SETTINGS);
		SocketChannel client = connectSlowReader();
		BufferedServer.writeFully(client, new byte[] { 1 });
		client.shutdownOutput();
		BufferedServer.assertSameBytes(BufferedServer.readFully(client, answer.length, 64 * 1024), answer);
		assertThat(client.read(ByteBuffer.allocate(1))).isEqualTo(-1);
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(callsAfterClosing).isEmpty();
		assertThat(handler.closes).hasValue(1);
	}

	@Test
	void outputQueuedWhileWritingIsDisabledGoesOutOnceItIsEnabled() throws Exception {
		byte[] payload = randomBytes(100 * 1024);
		RecordingHandler handler = new RecordingHandler((connection) -> {
			connection.disableWrite();
			connection.write(payload);
		});
		start(handler, SETTINGS);
		SocketChannel client = this.server.connect();
		assertThat(handler.opened.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		BufferedConnection connection = handler.connection;
		// Once onOpen returned and the connection did what it deferred.
		assertThat(onLoop(connection, connection::outputBufferedBytes)).isEqualTo(payload.length);
		connection.enableWrite();
		BufferedServer.assertSameBytes(BufferedServer.readFully(client, payload.length, 64 * 1024), payload);
		await().atMost(WAIT).untilAsserted(() -> assertThat(connection.outputBufferedBytes()).isZero());
		assertThat(handler.events).isEmpty();
	}

	@Test
	void onWriteThatWritesAgainToAPeerThatTakesEverythingDoesNotDeepenTheStack() throws Exception {
		int chunk = 2 * 1024;
		int chunks = 50;
		List<Long> flushesOnTheStack = new CopyOnWriteArrayList<>();
		// Each chunk is over the write high watermark, so onWrite is owed even when the socket takes it all.
		RecordingHandler handler = new RecordingHandler((connection) -> connection.write(new byte[chunk])) {

			@Override
			public void onWrite(BufferedConnection connection) {
				flushesOnTheStack.add(StackWalker.getInstance()
					.walk((frames) -> frames.filter(BufferedConnectionStateTests::isFlush).count()));
				if (flushesOnTheStack.size() < chunks) {
					connection.write(new byte[chunk]);
				}
			}

		};
		start(handler, new BufferedConnectionSettings(8 * 1024, 32 * 1024, 512, 1024, null, null));
		SocketChannel client = this.server.connect();
		BufferedServer.readFully(client, chunks * chunk, 64 * 1024);
		await().atMost(WAIT).untilAsserted(() -> assertThat(flushesOnTheStack).hasSize(chunks));
		assertThat(flushesOnTheStack).containsOnly(1L);
	}

	@Test
	void readTimeoutThatTheHandlerAnswersByEnablingReadingFiresAgain() throws Exception {
		List<Long> eventNanos = new CopyOnWriteArrayList<>();
		RecordingHandler handler = new RecordingHandler() {

			@Override
			public void onEvent(BufferedConnection connection, ConnectionEvent event) {
				this.events.add(event);
				eventNanos.add(System.nanoTime());
				if (eventNanos.size() == 1) {
					connection.enableRead();
				}
				else {
					connection.close();
				}
			}

		};
		start(handler, SETTINGS.withTimeouts(TIMEOUT, null));
		this.server.connect();
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(handler.events).containsExactly(ConnectionEvent.READ_TIMEOUT, ConnectionEvent.READ_TIMEOUT);
		assertThat(eventNanos.get(1) - eventNanos.get(0)).isGreaterThanOrEqualTo(TIMEOUT.toNanos());
	}

	@Test
	void nothingFiresAfterAnErrorThatTheHandlerIgnores() throws Exception {
		List<ConnectionEvent> eventsAfterError = new CopyOnWriteArrayList<>();
		RecordingHandler handler = new RecordingHandler() {

			@Override
			public void onEvent(BufferedConnection connection, ConnectionEvent event) {
				if (this.events.contains(ConnectionEvent.ERROR)) {
					eventsAfterError.add(event);
				}
				this.events.add(event);
				if (event == ConnectionEvent.ERROR) {
					// Later than any idle timeout due meanwhile: the loop runs timers in order.
					connection.loop().schedule(TIMEOUT.multipliedBy(3), connection::close);
				}
			}

		};
		// No read timeout: one that fired first would disable reading, and the reset would go unread.
		start(handler, SETTINGS.withIdleTimeout(TIMEOUT));
		SocketChannel client = this.server.connect();
		assertThat(handler.opened.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		client.setOption(StandardSocketOptions.SO_LINGER, 0);
		client.close();
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(handler.events).contains(ConnectionEvent.ERROR);
		assertThat(eventsAfterError).isEmpty();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { "onOpen", "onRead", "onWrite", "onEvent" })
	void handlerThatThrowsInAnyCallbackIsCountedOnceAndCalledNoMore(String failing) throws Exception {
		List<String> calls = new CopyOnWriteArrayList<>();
		RecordingHandler handler = new RecordingHandler((connection) -> {
			calls.add("onOpen");
			// Over the write high watermark: onWrite once it drains.
			connection.write(new byte[256 * 1024]);
			failIf(failing, "onOpen");
		}) {

			@Override
			public void onRead(BufferedConnection connection) {
				calls.add("onRead");
				connection.input().drain(Integer.MAX_VALUE);
				failIf(failing, "onRead");
			}

			@Override
			public void onWrite(BufferedConnection connection) {
				calls.add("onWrite");
				failIf(failing, "onWrite");
			}

			@Override
			public void onEvent(BufferedConnection connection, ConnectionEvent event) {
				calls.add("onEvent");
				failIf(failing, "onEvent");
				connection.close();
			}

		};
		start(handler, SETTINGS);
		EventLoop loop = this.server.group.loops().get(0);
		long failures = BufferedConnection.handlerFailures(loop);
		SocketChannel client = this.server.connect();
		BufferedServer.writeFully(client, new byte[] { 1 });
		client.shutdownOutput();
		readUntilClosed(client);
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(BufferedConnection.handlerFailures(loop)).isEqualTo(failures + 1);
		assertThat(calls).containsOnlyOnce(failing).last().isEqualTo(failing);
		assertThat(handler.closes).hasValue(1);
		// Logged before the connection was freed, so before its close hooks ran.
		assertThat(this.log.entries(Level.WARNING, "failed in ")).singleElement()
			.satisfies((entry) -> assertThat(entry.message()).contains("failed in " + failing))
			.satisfies((entry) -> assertThat(entry.thrown()).hasMessage("Failing in " + failing + " on purpose"));
	}

	private void start(RecordingHandler handler, BufferedConnectionSettings settings) throws IOException {
		this.server = new BufferedServer(1, () -> handler, settings);
	}

	/**
	 * Connect a client whose small receive buffer, with the server's small send buffer, holds
	 * far less than {@link #ANSWER} until it reads.
	 */
	private SocketChannel connectSlowReader() throws IOException {
		return this.server.connect(16 * 1024);
	}

	private static void awaitState(RecordingHandler handler, ConnectionState state) {
		await().atMost(WAIT).until(() -> {
			BufferedConnection connection = handler.connection;
			return connection != null && onLoop(connection, connection::state) == state;
		});
	}

	private static <T> T onLoop(BufferedConnection connection, Supplier<T> action) throws Exception {
		return CompletableFuture.supplyAsync(action, connection.loop()).get(WAIT.toSeconds(), TimeUnit.SECONDS);
	}

	/**
	 * Read until the end of the stream, or the reset of a server that closed with a byte of
	 * the client unread.
	 */
	private static void readUntilClosed(SocketChannel client) {
		ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
		try {
			while (client.read(buffer.clear()) >= 0) {
				// Keep reading: the server writes until it closes.
			}
		}
		catch (IOException ex) {
			// Reset: closed as well.
		}
	}

	private static boolean isFlush(StackWalker.StackFrame frame) {
		return frame.getClassName().equals(WriteSide.class.getName()) && frame.getMethodName().equals("flush");
	}

	private static void failIf(String failing, String callback) {
		if (failing.equals(callback)) {
			throw new IllegalStateException("Failing in " + callback + " on purpose");
		}
	}

	private static byte[] randomBytes(int size) {
		byte[] bytes = new byte[size];
		new Random(size).nextBytes(bytes);
		return bytes;
	}

	/**
	 * Answers the first bytes it reads with a given answer, from a socket with a small send
	 * buffer, and closes on any event.
	 */
	private static class Answering extends RecordingHandler {

		private final byte[] answer;

		private boolean answered;

		Answering(byte[] answer) {
			super((connection) -> smallSendBuffer(connection));
			this.answer = answer;
		}

		@Override
		public void onRead(BufferedConnection connection) {
			connection.input().drain(Integer.MAX_VALUE);
			if (!this.answered) {
				this.answered = true;
				connection.write(this.answer);
			}
		}

		private static void smallSendBuffer(BufferedConnection connection) {
			try {
				connection.channel().setOption(StandardSocketOptions.SO_SNDBUF, 16 * 1024);
			}
			catch (IOException ex) {
				throw new IllegalStateException(ex);
			}
		}

	}

}
