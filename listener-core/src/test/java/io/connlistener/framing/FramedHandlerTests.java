package io.connlistener.framing;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.ScheduledFuture;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.ConnectionEvent;
import io.connlistener.testsupport.Figures;
import io.connlistener.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link FramedHandler} over real loopback sockets.
 */
class FramedHandlerTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final FramingSettings LINES = FramingSettings.builder(FrameType.LINE).build();

	private static final FrameEncoder LINES_ENCODER = Framing.encoder(LINES);

	@RegisterExtension
	final LogCapture log = LogCapture.julLoggers("io.connlistener");

	private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();

	private FramedServer server;

	@AfterEach
	void close() {
		this.writer.shutdownNow();
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	@Timeout(30)
	void pipelinedLinesInOneWriteGetTwoRepliesInOrder() throws Exception {
		RecordingFrameHandler handler = serve(LINES, BufferedConnectionSettings.DEFAULTS);
		SocketChannel client = this.server.connect();
		FramedServer.write(client, ascii("a\r\nb\r\n"));
		assertThat(readAscii(client, "OK a\r\nOK b\r\n".length())).isEqualTo("OK a\r\nOK b\r\n");
		assertThat(handler.frames).containsExactly("a", "b");
	}

	@Test
	@Timeout(30)
	void lineSplitOverWritesSecondsApartArrivesOnce() throws Exception {
		RecordingFrameHandler handler = serve(LINES, BufferedConnectionSettings.DEFAULTS);
		SocketChannel client = this.server.connect();
		FramedServer.write(client, ascii("hel"));
		this.writer.schedule(() -> {
			FramedServer.write(client, ascii("lo\r"));
			return null;
		}, 1, TimeUnit.SECONDS);
		this.writer.schedule(() -> {
			FramedServer.write(client, ascii("\nnext\n"));
			return null;
		}, 2, TimeUnit.SECONDS);
		assertThat(readAscii(client, "OK hello\r\nOK next\r\n".length())).isEqualTo("OK hello\r\nOK next\r\n");
		assertThat(handler.frames).containsExactly("hello", "next");
	}

	@Test
	@Timeout(60)
	void thousandConnectionsOfAHundredPipelinedLinesEachGetEveryReplyInOrder() throws Exception {
		int connections = 1_000;
		int lines = 100;
		AtomicInteger closed = new AtomicInteger();
		this.server = new FramedServer(() -> new FramedHandler(LINES, new FrameHandler() {

			@Override
			public void onOpen(BufferedConnection connection) {
				connection.onClose(closed::incrementAndGet);
			}

			@Override
			public void onFrame(BufferedConnection connection, ByteBuffer frame) {
				connection.output().add(ascii("OK "));
				LINES_ENCODER.encode(frame, connection.output());
			}

		}), BufferedConnectionSettings.DEFAULTS);
		List<SocketChannel> clients = new ArrayList<>();
		StringBuilder request = new StringBuilder();
		StringBuilder expected = new StringBuilder();
		for (int i = 0; i < connections; i++) {
			clients.add(this.server.connect());
		}
		long start = System.nanoTime();
		for (int i = 0; i < connections; i++) {
			request.setLength(0);
			for (int line = 0; line < lines; line++) {
				request.append(i).append('-').append(line).append((line % 2 == 0) ? "\r\n" : "\n");
			}
			FramedServer.write(clients.get(i), ascii(request.toString()));
		}
		for (int i = 0; i < connections; i++) {
			expected.setLength(0);
			for (int line = 0; line < lines; line++) {
				expected.append("OK ").append(i).append('-').append(line).append("\r\n");
			}
			assertThat(readAscii(clients.get(i), expected.length())).as("replies of connection %d", i)
				.isEqualTo(expected.toString());
		}
		long served = System.nanoTime() - start;
		for (SocketChannel client : clients) {
			client.close();
		}
		await().atMost(WAIT).untilAsserted(() -> assertThat(closed).hasValue(connections));
		Figures.record("framed-1000x100", "1,000 connections x 100 pipelined lines, every reply checked: %d ms",
				TimeUnit.NANOSECONDS.toMillis(served));
	}

	@Test
	@Timeout(30)
	void lineWithoutEndIsClosedOnceTheLimitHasArrivedHoldingNoMoreThanTheLimitAndOneRead() throws Exception {
		BufferedConnectionSettings settings = BufferedConnectionSettings.DEFAULTS
			.withReadHighWatermark(LINES.maxEncodedFrameSize());
		RecordingFrameHandler handler = serve(LINES, settings);
		SocketChannel client = this.server.connect();
		byte[] flood = new byte[200 * 1024];
		Arrays.fill(flood, (byte) 'x');
		long start = System.nanoTime();
		this.writer.submit(() -> {
			try {
				FramedServer.write(client, flood);
			}
			catch (IOException ex) {
				// Reset once the server closed with bytes unread: what the test provokes.
			}
		});
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		long closedAfter = TimeUnit.NANOSECONDS.toMillis(handler.closedAt - start);
		assertThat(handler.failures).containsExactly(FramingFailure.FRAME_TOO_LARGE);
		assertThat(handler.frames).isEmpty();
		assertThat(handler.largestInput).isGreaterThan(LINES.maxFrameSize())
			.isLessThanOrEqualTo(LINES.maxEncodedFrameSize() + settings.readBufferSize());
		Figures.record("oversize-line", "200 KiB without a line end: closed after %d ms holding %d bytes (limit %d, "
				+ "read segment %d)", closedAfter, handler.largestInput, LINES.maxFrameSize(), settings.readBufferSize());
	}

	@Test
	@Timeout(30)
	void lengthHeaderClaimingTwoGibibytesClosesAtOnce() throws Exception {
		FramingSettings framing = FramingSettings.builder(FrameType.LENGTH_FIELD).build();
		RecordingFrameHandler handler = serve(framing, BufferedConnectionSettings.DEFAULTS);
		SocketChannel client = this.server.connect();
		long start = System.nanoTime();
		FramedServer.write(client, new byte[] { (byte) 0x80, 0, 0, 0, 'a', 'b' });
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(handler.failures).containsExactly(FramingFailure.FRAME_TOO_LARGE);
		assertThat(FramedServer.readToEnd(client)).isZero();
		Figures.record("oversize-length-header", "a header claiming 2 GiB: closed %d us after it was written",
				TimeUnit.NANOSECONDS.toMicros(handler.closedAt - start));
	}

	@Test
	@Timeout(30)
	void anotherFirstByteThanStxClosesAsMalformed() throws Exception {
		RecordingFrameHandler handler = serve(FramingSettings.builder(FrameType.STX_ETX).build(),
				BufferedConnectionSettings.DEFAULTS);
		SocketChannel client = this.server.connect();
		FramedServer.write(client, ascii("\u0002ok\u0003GET / HTTP/1.1\r\n"));
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(handler.frames).containsExactly("ok");
		assertThat(handler.failures).containsExactly(FramingFailure.MALFORMED_FRAME);
	}

	@Test
	@Timeout(30)
	void tricklingClientIsClosedAtTheFrameTimeout() throws Exception {
		Duration frameTimeout = Duration.ofMillis(600);
		FramingSettings framing = FramingSettings.builder(FrameType.LINE).frameTimeout(frameTimeout).build();
		RecordingFrameHandler handler = serve(framing, BufferedConnectionSettings.DEFAULTS);
		SocketChannel client = this.server.connect();
		AtomicInteger sent = new AtomicInteger();
		long start = System.nanoTime();
		ScheduledFuture<?> trickle = this.writer.scheduleAtFixedRate(() -> {
			// One byte every 200 ms, 100 at most; a closed connection ends it.
			if (sent.incrementAndGet() > 100 || !writeQuietly(client, ascii("x"))) {
				throw new IllegalStateException("Trickle over");
			}
		}, 0, 200, TimeUnit.MILLISECONDS);
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		trickle.cancel(false);
		long closedAfter = TimeUnit.NANOSECONDS.toMillis(handler.closedAt - start);
		assertThat(handler.failures).containsExactly(FramingFailure.FRAME_TIMEOUT);
		assertThat(closedAfter).isGreaterThanOrEqualTo(frameTimeout.toMillis());
		Figures.record("trickle", "one byte every 200 ms with a frame timeout of %d ms: closed %d ms after the first "
				+ "byte, %d bytes sent", frameTimeout.toMillis(), closedAfter, sent.get());
	}

	@Test
	@Timeout(30)
	void frameTimeoutCountsFromEachFrameNotFromTheConnection() throws Exception {
		Duration frameTimeout = Duration.ofMillis(1500);
		FramingSettings framing = FramingSettings.builder(FrameType.LINE).frameTimeout(frameTimeout).build();
		RecordingFrameHandler handler = serve(framing, BufferedConnectionSettings.DEFAULTS);
		SocketChannel client = this.server.connect();
		// Every 150 ms the end of one line and the start of the next: a frame always in progress,
		// none older than 150 ms (a writer late by more than a second would still pass), for 3 s,
		// twice the frame timeout.
		int lines = 20;
		FramedServer.write(client, ascii("0"));
		AtomicInteger written = new AtomicInteger();
		ScheduledFuture<?> writes = this.writer.scheduleAtFixedRate(() -> {
			int line = written.incrementAndGet();
			if (line > lines || !writeQuietly(client, ascii("\n" + line))) {
				throw new IllegalStateException("Writes over");
			}
		}, 150, 150, TimeUnit.MILLISECONDS);
		StringBuilder expected = new StringBuilder();
		for (int line = 0; line < lines; line++) {
			expected.append("OK ").append(line).append("\r\n");
		}
		assertThat(readAscii(client, expected.length())).isEqualTo(expected.toString());
		writes.cancel(false);
		assertThat(handler.failures).isEmpty();
		assertThat(handler.connection.isOpen()).isTrue();
	}

	@Test
	@Timeout(30)
	void suspendedFramesWaitWithoutTheFrameTimeoutAndResumeInOrder() throws Exception {
		Duration frameTimeout = Duration.ofSeconds(1);
		FramingSettings framing = FramingSettings.builder(FrameType.LINE).frameTimeout(frameTimeout).build();
		RecordingFrameHandler handler = new RecordingFrameHandler(
				(self, connection) -> self.framed.suspend(connection));
		this.server = new FramedServer(() -> RecordingFrameHandler.framed(framing, handler),
				BufferedConnectionSettings.DEFAULTS);
		SocketChannel client = this.server.connect();
		// The first frame arrives in two reads, so its timer runs when the frames get suspended.
		FramedServer.write(client, ascii("a"));
		this.writer.schedule(() -> {
			FramedServer.write(client, ascii("\nb\nc\npartial"));
			return null;
		}, 100, TimeUnit.MILLISECONDS);
		assertThat(handler.frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("a");
		// Longer than the timer of the first frame still runs: neither another frame nor a timeout.
		await().during(Duration.ofMillis(2500))
			.atMost(WAIT)
			.until(() -> handler.frames.isEmpty() && handler.failures.isEmpty() && handler.connection.isOpen());
		handler.framed.resume(handler.connection);
		assertThat(handler.frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("b");
		handler.framed.resume(handler.connection);
		assertThat(handler.frames.poll(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo("c");
		long resumed = System.nanoTime();
		handler.framed.resume(handler.connection);
		// Now the partial frame is the client's to finish, and its timeout counts from the resume.
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(handler.failures).containsExactly(FramingFailure.FRAME_TIMEOUT);
		assertThat(TimeUnit.NANOSECONDS.toMillis(handler.closedAt - resumed))
			.isGreaterThanOrEqualTo(frameTimeout.toMillis());
		assertThat(readAscii(client, "OK a\r\nOK b\r\nOK c\r\n".length())).isEqualTo("OK a\r\nOK b\r\nOK c\r\n");
	}

	@Test
	@Timeout(30)
	void endOfStreamWhileSuspendedWaitsForTheFramesBeforeIt() throws Exception {
		List<String> seen = new CopyOnWriteArrayList<>();
		RecordingFrameHandler handler = new RecordingFrameHandler((self, connection) -> {
			FramedHandler framed = self.framed;
			framed.suspend(connection);
			// Resumed from another thread, as a handler done with its work does.
			this.writer.execute(() -> framed.resume(connection));
		}) {

			@Override
			public void onEvent(BufferedConnection connection, ConnectionEvent event) {
				seen.add(event + " after " + this.frames.size());
				connection.closeAfterFlush();
			}

		};
		this.server = new FramedServer(() -> RecordingFrameHandler.framed(LINES, handler),
				BufferedConnectionSettings.DEFAULTS);
		SocketChannel client = this.server.connect();
		FramedServer.write(client, ascii("a\nb\nc\n"));
		client.shutdownOutput();
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(handler.frames).containsExactly("a", "b", "c");
		assertThat(seen).containsExactly("EOF after 3");
		assertThat(readAscii(client, "OK a\r\nOK b\r\nOK c\r\n".length())).isEqualTo("OK a\r\nOK b\r\nOK c\r\n");
	}

	@Test
	@Timeout(30)
	void frameHandlerThatThrowsAfterAResumeIsCountedAndClosed() throws Exception {
		RecordingFrameHandler handler = new RecordingFrameHandler((self, connection) -> {
			FramedHandler framed = self.framed;
			if (self.frames.size() > 1) {
				throw new IllegalStateException("Second frame refused");
			}
			framed.suspend(connection);
			this.writer.execute(() -> framed.resume(connection));
		});
		this.server = new FramedServer(() -> RecordingFrameHandler.framed(LINES, handler),
				BufferedConnectionSettings.DEFAULTS);
		SocketChannel client = this.server.connect();
		FramedServer.write(client, ascii("a\nb\n"));
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(BufferedConnection.handlerFailures(handler.connection.loop())).isOne();
		this.log.awaitEntry(Level.WARNING, "failed in onRead");
	}

	private RecordingFrameHandler serve(FramingSettings framing, BufferedConnectionSettings settings)
			throws IOException {
		RecordingFrameHandler handler = new RecordingFrameHandler();
		this.server = new FramedServer(() -> RecordingFrameHandler.framed(framing, handler), settings);
		return handler;
	}

	private static boolean writeQuietly(SocketChannel client, byte[] bytes) {
		try {
			FramedServer.write(client, bytes);
			return true;
		}
		catch (IOException ex) {
			return false;
		}
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	private static String readAscii(SocketChannel client, int length) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(length);
		while (buffer.hasRemaining()) {
			if (client.read(buffer) < 0) {
				break;
			}
		}
		return new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
	}

}
