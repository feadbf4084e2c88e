package io.connlistener.buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.connlistener.testsupport.Figures;
import io.connlistener.testsupport.PacedReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the timeouts of {@link BufferedConnection} over real loopback sockets: they
 * measure whether bytes move, not whether the selector reports the socket ready.
 */
@Timeout(30)
class BufferedConnectionTimeoutTests {

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	private static final BufferedConnectionSettings SETTINGS = new BufferedConnectionSettings(8 * 1024, 32 * 1024,
			16 * 1024, 64 * 1024, null, null);

	/** What the server streams at a time, from open on and each time its output drained. */
	private static final int CHUNK = 256 * 1024;

	/**
	 * Small, so that the stream waits in the server's send buffer: one that Linux autotunes
	 * to 4 MB and reports writable only once a third of it is free, about 0.8 s of
	 * {@link #READ_RATE}.
	 */
	private static final int CLIENT_RECEIVE_BUFFER = 32 * 1024;

	private static final int READ_RATE = 1536 * 1024;

	private static final int STREAMED = 2 * 1024 * 1024;

	private static final long MAX_UNREAD_BYTES = 256L * 1024 * 1024;

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final ExecutorService executor = Executors.newSingleThreadExecutor();

	private BufferedServer server;

	@AfterEach
	void close() {
		this.executor.shutdownNow();
		if (this.server != null) {
			this.server.close();
		}
	}

	@ParameterizedTest(name = "{0} timeout")
	@ValueSource(strings = { "write", "idle" })
	void peerThatReadsSteadilyIsNotTimedOutWhileItsSocketIsNotReportedWritable(String timeout) throws Exception {
		RecordingHandler handler = new Streamer();
		BufferedConnectionSettings settings = timeout.equals("write") ? SETTINGS.withTimeouts(null, TIMEOUT)
				: SETTINGS.withIdleTimeout(TIMEOUT);
		start(handler, settings);
		SocketChannel client = this.server.connect(CLIENT_RECEIVE_BUFFER);
		long start = System.nanoTime();
		PacedReader.Result read = PacedReader.read(client, STREAMED, READ_RATE);
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		// Before the client closes, which the server may see as a reset.
		assertThat(handler.events).isEmpty();
		assertThat(handler.connection.isOpen()).isTrue();
		assertThat(read.bytes()).isEqualTo(STREAMED);
		Figures.record("core-slow-reader-" + timeout + "-timeout",
				"%d KiB streamed to a client reading at %d KiB/s into a %d KiB receive buffer in %d ms, longest gap "
						+ "between two reads that got bytes %d ms; %s timeout %d ms: events %s",
				STREAMED / 1024, READ_RATE / 1024, CLIENT_RECEIVE_BUFFER / 1024, millis,
				read.longestGapMillis(), timeout, TIMEOUT.toMillis(), handler.events);
	}

	@ParameterizedTest(name = "{0} timeout")
	@ValueSource(strings = { "read", "idle" })
	void bytesThatArriveWhileTheLoopIsBusyAreReadBeforeATimeoutFires(String timeout) throws Exception {
		CountDownLatch busy = new CountDownLatch(1);
		AtomicInteger received = new AtomicInteger();
		RecordingHandler handler = new RecordingHandler() {

			@Override
			public void onRead(BufferedConnection connection) {
				if (received.getAndAdd(connection.input().readableBytes()) == 0) {
					busy.countDown();
					// Twice the timeout counted from this read: the shape of a long loop iteration.
					LockSupport.parkNanos(2 * TIMEOUT.toNanos());
				}
				connection.input().drain(Integer.MAX_VALUE);
			}

		};
		BufferedConnectionSettings settings = timeout.equals("read") ? SETTINGS.withTimeouts(TIMEOUT, null)
				: SETTINGS.withIdleTimeout(TIMEOUT);
		start(handler, settings);
		SocketChannel client = this.server.connect();
		BufferedServer.writeFully(client, new byte[] { 1 });
		assertThat(busy.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		// After the loop selected, so read by its next selection at the earliest, after the timers.
		BufferedServer.writeFully(client, new byte[] { 2 });
		await().atMost(WAIT).until(() -> received.get() == 2 || !handler.events.isEmpty());
		assertThat(handler.events).isEmpty();
		assertThat(received).hasValue(2);
		assertThat(handler.connection.isOpen()).isTrue();
	}

	@Test
	void readTimeoutRunsOnlyWhileReadingSoAPeerThatOnlyReadsGetsOne() throws Exception {
		// libevent's contract, kept: the read timeout ignores what is written.
		RecordingHandler handler = new Streamer();
		BufferedServer.FileDescriptors baseline = start(handler, SETTINGS.withTimeouts(TIMEOUT, null));
		SocketChannel client = this.server.connect(CLIENT_RECEIVE_BUFFER);
		this.executor.submit(() -> PacedReader.read(client, Long.MAX_VALUE, READ_RATE));
		assertClosedOnceAfter(handler, baseline, ConnectionEvent.READ_TIMEOUT);
	}

	@ParameterizedTest(name = "write timeout {0} ms")
	@CsvSource({ "0, IDLE_TIMEOUT", "300, WRITE_TIMEOUT", "10000, IDLE_TIMEOUT" })
	void peerThatSendsButNeverReadsIsTimedOutThoughBackPressurePausedReading(long writeMillis,
			ConnectionEvent expected) throws Exception {
		RecordingHandler handler = new RecordingHandler();
		BufferedServer.FileDescriptors baseline = start(handler,
				SETTINGS.withTimeouts(null, Duration.ofMillis(writeMillis)).withIdleTimeout(TIMEOUT));
		long start = System.nanoTime();
		SocketChannel client = this.server.connect(CLIENT_RECEIVE_BUFFER);
		AtomicLong sent = new AtomicLong();
		Future<Long> closed = this.executor.submit(() -> sendUntilClosed(client, sent, start));
		assertClosedOnceAfter(handler, baseline, expected);
		long closedMillis = closed.get(WAIT.toSeconds(), TimeUnit.SECONDS);
		assertThat(handler.paused.getCount()).as("reading paused by back-pressure").isZero();
		assertThat(closedMillis).isGreaterThanOrEqualTo(TIMEOUT.toMillis());
		assertThat(sent.get()).isLessThan(MAX_UNREAD_BYTES);
	}

	@Test
	void closeAfterFlushToAPeerThatReadsNothingEndsAtTheIdleTimeout() throws Exception {
		byte[] payload = new byte[8 * 1024 * 1024];
		RecordingHandler handler = new RecordingHandler((connection) -> {
			connection.write(payload);
			connection.closeAfterFlush();
		});
		BufferedServer.FileDescriptors baseline = start(handler, SETTINGS.withIdleTimeout(TIMEOUT));
		long start = System.nanoTime();
		this.server.connect(CLIENT_RECEIVE_BUFFER);
		assertClosedOnceAfter(handler, baseline);
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TIMEOUT.toNanos());
	}

	@Test
	void idleTimeoutThatTheHandlerIgnoresFiresAgainAfterAnotherIdleTimeout() throws Exception {
		AtomicLong firstNanos = new AtomicLong();
		AtomicLong secondNanos = new AtomicLong();
		RecordingHandler handler = new RecordingHandler() {

			@Override
			public void onEvent(BufferedConnection connection, ConnectionEvent event) {
				this.events.add(event);
				if (firstNanos.compareAndSet(0, System.nanoTime())) {
					return;
				}
				secondNanos.set(System.nanoTime());
				connection.close();
			}

		};
		BufferedServer.FileDescriptors baseline = start(handler, SETTINGS.withIdleTimeout(TIMEOUT));
		this.server.connect();
		assertClosedOnceAfter(handler, baseline, ConnectionEvent.IDLE_TIMEOUT, ConnectionEvent.IDLE_TIMEOUT);
		assertThat(secondNanos.get() - firstNanos.get()).isGreaterThanOrEqualTo(TIMEOUT.toNanos());
	}

	private BufferedServer.FileDescriptors start(RecordingHandler handler, BufferedConnectionSettings settings)
			throws IOException {
		this.server = new BufferedServer(1, () -> handler, settings);
		return BufferedServer.FileDescriptors.now();
	}

	private void assertClosedOnceAfter(RecordingHandler handler, BufferedServer.FileDescriptors baseline,
			ConnectionEvent... events) throws InterruptedException {
		assertThat(handler.closed.await(WAIT.toSeconds(), TimeUnit.SECONDS)).isTrue();
		assertThat(handler.events).containsExactly(events);
		assertThat(handler.closes).hasValue(1);
		this.server.closeClients();
		baseline.awaitBackToThis(WAIT);
		assertThat(handler.events).containsExactly(events);
	}

	/**
	 * Send until the server closes the connection, reading nothing; return the milliseconds
	 * from the start until a write failed.
	 */
	private static long sendUntilClosed(SocketChannel client, AtomicLong sent, long start) {
		ByteBuffer chunk = ByteBuffer.allocate(64 * 1024);
		try {
			while (sent.get() < MAX_UNREAD_BYTES) {
				chunk.clear();
				while (chunk.hasRemaining()) {
					sent.addAndGet(client.write(chunk));
				}
			}
		}
		catch (IOException ex) {
			// Closed by the server while this end still wrote: what is expected.
		}
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
	}

	/**
	 * Streams {@link #CHUNK} after chunk for as long as the peer takes them, reading nothing.
	 */
	private static final class Streamer extends RecordingHandler {

		private static final byte[] DATA = new byte[CHUNK];

		Streamer() {
			super((connection) -> connection.write(DATA));
		}

		@Override
		public void onRead(BufferedConnection connection) {
			connection.input().drain(Integer.MAX_VALUE);
		}

		@Override
		public void onWrite(BufferedConnection connection) {
			connection.write(DATA);
		}

	}

}
