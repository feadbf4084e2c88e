package io.connlistener.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.StandardSocketOptions;
import java.nio.channels.Channels;
import java.nio.charset.StandardCharsets;
import java.security.MessageDigest;
import java.time.Duration;
import java.util.Arrays;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;
import javax.net.ssl.SSLSocket;

import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.buffer.ConnectionEvent;
import io.connlistener.testsupport.Figures;
import io.connlistener.testsupport.PacedReader;
import io.connlistener.testsupport.PacedRelay;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for buffered connections over TLS, with real JDK clients: backpressure counts
 * plaintext, records the TLS channel has already read reach the handler without the socket
 * becoming readable, and a close after flush ends with close_notify.
 */
@Timeout(60)
class TlsBufferedConnectionTests {

	/** Bytes per second of the slow reader: a second for the 8 MiB echo, so that its output backs up. */
	private static final int SLOW_READER_RATE = 8 * 1024 * 1024;

	/** Bytes per second that take about 400 ms per full record. */
	private static final int SLOW_RECORD_RATE = 40 * 1024;

	private TlsServer server;

	@AfterEach
	void close() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void eightMibEchoedToASlowReaderKeepsTheOutputWithinTheWatermarks() throws Exception {
		BufferedConnectionSettings settings = BufferedConnectionSettings.DEFAULTS.withReadHighWatermark(64 * 1024)
			.withWriteWatermarks(8 * 1024, 32 * 1024);
		AtomicInteger largest = new AtomicInteger();
		BufferedHandler slowReaderEcho = new BufferedHandler() {

			@Override
			public void onOpen(BufferedConnection connection) {
				// Small kernel buffers, so that the slow reader backs the output up soon.
				smallSendBuffer(connection);
			}

			@Override
			public void onRead(BufferedConnection connection) {
				TlsServer.echo().onRead(connection);
				// The most the output holds: right after a read moved the input to it.
				largest.accumulateAndGet(connection.outputBufferedBytes(), Math::max);
			}

			@Override
			public void onWrite(BufferedConnection connection) {
				connection.enableRead();
			}

		};
		this.server = TlsServer.start(TlsServer.settings().build(), slowReaderEcho, settings, (builder) -> {
		});
		int total = 8 * 1024 * 1024;
		byte[] data = new byte[total];
		new Random(42).nextBytes(data);
		try (SSLSocket client = this.server.connect(64 * 1024)) {
			client.startHandshake();
			assertThat(this.server.opened.poll(10, TimeUnit.SECONDS)).isNotNull();
			CompletableFuture<Void> writer = CompletableFuture.runAsync(() -> {
				try {
					OutputStream out = client.getOutputStream();
					for (int at = 0; at < total; at += 64 * 1024) {
						out.write(data, at, 64 * 1024);
					}
					out.flush();
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			});
			MessageDigest sent = MessageDigest.getInstance("SHA-256");
			sent.update(data);
			MessageDigest received = MessageDigest.getInstance("SHA-256");
			PacedReader.Result read = PacedReader.read(Channels.newChannel(client.getInputStream()), total,
					SLOW_READER_RATE, received::update);
			assertThat(read.bytes()).isEqualTo(total);
			writer.get(30, TimeUnit.SECONDS);
			assertThat(received.digest()).isEqualTo(sent.digest());
			// Reading stops above the write high watermark; what one read burst moved may sit on top.
			int bound = settings.writeHighWatermark() + settings.readHighWatermark() + settings.readBufferSize();
			assertThat(largest.get()).isGreaterThan(settings.writeLowWatermark()).isLessThanOrEqualTo(bound);
			Figures.record("tls-slow-reader", "8 MiB echoed over TLS: largest output buffered %d bytes"
					+ " (write high watermark %d, bound %d)", largest.get(), settings.writeHighWatermark(), bound);
		}
	}

	@Test
	void recordsAlreadyReadReachTheHandlerWithoutTheSocketBecomingReadable() throws Exception {
		// A tiny read watermark: reading stops after a few records with many more read from
		// the socket into the TLS channel, which the selector cannot see.
		BufferedConnectionSettings settings = BufferedConnectionSettings.DEFAULTS.withReadHighWatermark(64);
		BufferedHandler pausedAtOpen = new BufferedHandler() {

			@Override
			public void onOpen(BufferedConnection connection) {
				connection.disableRead();
			}

			@Override
			public void onRead(BufferedConnection connection) {
				connection.input().moveTo(connection.output());
			}

		};
		this.server = TlsServer.start(TlsServer.settings().build(), pausedAtOpen, settings, (builder) -> {
		});
		try (SSLSocket client = this.server.connect()) {
			client.setTcpNoDelay(false);
			client.startHandshake();
			BufferedConnection connection = this.server.opened.poll(10, TimeUnit.SECONDS);
			StringBuilder expected = new StringBuilder();
			OutputStream out = client.getOutputStream();
			for (int i = 0; i < 300; i++) {
				String message = "message " + i + "\n";
				expected.append(message);
				// One record each.
				out.write(message.getBytes(StandardCharsets.US_ASCII));
			}
			out.flush();
			// Every record is in the kernel by now, or on its way: let the server read them.
			connection.enableRead();
			byte[] echoed = TlsServer.readFully(client.getInputStream(), expected.length());
			assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
		}
	}

	@Test
	void manySmallRecordsReadAtOnceAreAllDelivered() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().build());
		try (SSLSocket client = this.server.connect()) {
			client.startHandshake();
			StringBuilder expected = new StringBuilder();
			OutputStream out = client.getOutputStream();
			for (int i = 0; i < 2000; i++) {
				String message = "m" + i + "\n";
				expected.append(message);
				out.write(message.getBytes(StandardCharsets.US_ASCII));
			}
			out.flush();
			byte[] echoed = TlsServer.readFully(client.getInputStream(), expected.length());
			assertThat(new String(echoed, StandardCharsets.US_ASCII)).isEqualTo(expected.toString());
		}
	}

	@Test
	void closeAfterFlushSendsTheOutputThenCloseNotify() throws Exception {
		BufferedHandler answerAndClose = new BufferedHandler() {

			@Override
			public void onRead(BufferedConnection connection) {
				String line = connection.input().readLine();
				if (line != null) {
					byte[] answer = new byte[100_000];
					Arrays.fill(answer, (byte) 'x');
					connection.output().add(answer);
					connection.closeAfterFlush();
				}
			}

		};
		this.server = TlsServer.start(TlsServer.settings().build(), answerAndClose, BufferedConnectionSettings.DEFAULTS,
				(builder) -> {
				});
		try (SSLSocket client = this.server.connect()) {
			client.getOutputStream().write("bye\n".getBytes(StandardCharsets.US_ASCII));
			InputStream in = client.getInputStream();
			assertThat(TlsServer.readFully(in, 100_000)).containsOnly((byte) 'x');
			// A clean end: close_notify, not a truncation.
			assertThat(in.read()).isEqualTo(-1);
		}
		await().until(() -> this.server.connections.openConnections() == 0);
	}

	@Test
	void closeWhileOutputWaitsForAPeerThatNeverReadsClosesAtOnce() throws Exception {
		// close_notify goes only if the socket takes it at once: the client never reads.
		Closed closed = closeToAPeerThatNeverReads(BufferedConnectionSettings.DEFAULTS, BufferedConnection::close);
		Figures.record("tls-close-unread", "close() with 4 MiB waiting for a peer that never reads took %d ms",
				closed.afterClose());
	}

	@Test
	void closeAfterFlushToAPeerThatNeverReadsEndsAtTheWriteTimeout() throws Exception {
		Duration writeTimeout = Duration.ofMillis(300);
		BufferedConnectionSettings settings = BufferedConnectionSettings.DEFAULTS.withTimeouts(null, writeTimeout);
		Closed closed = closeToAPeerThatNeverReads(settings, BufferedConnection::closeAfterFlush);
		// The write timeout runs from the answer's last progress, which may come before the call.
		assertThat(closed.afterRequest()).isGreaterThanOrEqualTo(writeTimeout.toMillis() - 10);
		Figures.record("tls-close-after-flush-unread", "closeAfterFlush() with 4 MiB waiting for a peer that"
				+ " never reads ended %d ms after the call, %d ms after the request, with a write timeout of %d ms",
				closed.afterClose(), closed.afterRequest(), writeTimeout.toMillis());
	}

	@Test
	void writeTimeoutCountsTheRestOfARecordGoingOut() throws Exception {
		// The server's records reach the client through a relay that takes them at a pace of
		// about 400 ms per 16 KiB record, twice the write timeout: the socket takes bytes all
		// the while, although the channel takes no plaintext until a whole record is out.
		Duration writeTimeout = Duration.ofMillis(200);
		BufferedConnectionSettings settings = BufferedConnectionSettings.DEFAULTS.withTimeouts(null, writeTimeout);
		int total = 64 * 1024;
		BufferedHandler answer = new BufferedHandler() {

			@Override
			public void onOpen(BufferedConnection connection) {
				smallSendBuffer(connection, 8 * 1024);
			}

			@Override
			public void onRead(BufferedConnection connection) {
				if (connection.input().readLine() != null) {
					connection.write(new byte[total]);
				}
			}

		};
		this.server = TlsServer.start(TlsServer.settings().build(), answer, settings, (builder) -> {
		});
		try (PacedRelay relay = PacedRelay.pacingServer(this.server.address(), SLOW_RECORD_RATE);
				SSLSocket client = this.server.connect(relay.address())) {
			client.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
			client.getOutputStream().flush();
			long started = System.nanoTime();
			assertThat(TlsServer.readFully(client.getInputStream(), total)).hasSize(total);
			assertThat(this.server.events).doesNotContain(ConnectionEvent.WRITE_TIMEOUT);
			Figures.record("tls-write-timeout-progress", "%d bytes taken over TLS at %d B/s in %d ms with a"
					+ " write timeout of %d ms, no timeout", total, SLOW_RECORD_RATE,
					TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - started), writeTimeout.toMillis());
		}
	}

	@Test
	void readTimeoutCountsPartOfARecordArriving() throws Exception {
		// The client's records reach the server through a relay at a pace that takes about
		// 400 ms per 16 KiB record, twice the read timeout: bytes arrive all the while,
		// although no plaintext does until a whole record is in.
		Duration readTimeout = Duration.ofMillis(200);
		BufferedConnectionSettings settings = BufferedConnectionSettings.DEFAULTS.withTimeouts(readTimeout, null);
		int total = 64 * 1024;
		AtomicInteger received = new AtomicInteger();
		BufferedHandler count = (connection) -> {
			int now = received.addAndGet(connection.input().readableBytes());
			connection.input().drain(connection.input().readableBytes());
			if (now == total) {
				connection.write("done\n".getBytes(StandardCharsets.US_ASCII));
			}
		};
		this.server = TlsServer.start(TlsServer.settings().build(), count, settings, (builder) -> {
		});
		try (PacedRelay relay = PacedRelay.pacingClient(this.server.address(), SLOW_RECORD_RATE);
				SSLSocket client = this.server.connect(relay.address())) {
			client.getOutputStream().write(new byte[total]);
			client.getOutputStream().flush();
			byte[] done = TlsServer.readFully(client.getInputStream(), 5);
			assertThat(new String(done, StandardCharsets.US_ASCII)).isEqualTo("done\n");
			assertThat(this.server.events).doesNotContain(ConnectionEvent.READ_TIMEOUT);
		}
	}

	@Test
	void trafficCountsTheRecordsTheHandshakesIncluded() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().build());
		byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
		BufferedConnection connection;
		long sentAtOpen;
		try (SSLSocket client = this.server.connect()) {
			client.startHandshake();
			connection = this.server.opened.poll(10, TimeUnit.SECONDS);
			assertThat(connection).isNotNull();
			// Counted as the connection opens: the ClientHello in, the server's flight out.
			sentAtOpen = connection.bytesSent();
			assertThat(connection.bytesReceived()).isGreaterThan(200);
			assertThat(sentAtOpen).isGreaterThan(1000);
			assertThat(TlsServer.echo(client, hello)).isEqualTo(hello);
		}
		await().until(() -> !connection.isOpen());
		// A record of the five bytes each way: a header, the bytes, its type and tag.
		assertThat(connection.bytesSent() - sentAtOpen).isGreaterThanOrEqualTo(5 + 5 + 1 + 16);
		assertThat(this.server.received.sum()).isEqualTo(connection.bytesReceived());
		assertThat(this.server.sent.sum()).isEqualTo(connection.bytesSent());
	}

	@Test
	void clientCloseNotifyIsTheEndOfTheStream() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().build());
		try (SSLSocket client = this.server.connect()) {
			byte[] hello = "hello".getBytes(StandardCharsets.US_ASCII);
			assertThat(TlsServer.echo(client, hello)).isEqualTo(hello);
			client.shutdownOutput();
			assertThat(this.server.events.poll(10, TimeUnit.SECONDS)).isEqualTo(ConnectionEvent.EOF);
			assertThat(client.getInputStream().read()).isEqualTo(-1);
		}
		await().until(() -> this.server.connections.openConnections() == 0);
	}

	/**
	 * Have a connection answer 4 MiB to a client that never reads, close it while the output
	 * waits, and return how long it took to close, from the request and from the call, to the
	 * close hook.
	 */
	private Closed closeToAPeerThatNeverReads(BufferedConnectionSettings settings, Consumer<BufferedConnection> close)
			throws Exception {
		this.server = TlsServer.start(TlsServer.settings().build(), answerWithFourMib(), settings, (builder) -> {
		});
		try (SSLSocket client = this.server.connect(16 * 1024)) {
			client.startHandshake();
			long requested = System.nanoTime();
			client.getOutputStream().write("go\n".getBytes(StandardCharsets.US_ASCII));
			BufferedConnection connection = this.server.opened.poll(10, TimeUnit.SECONDS);
			CountDownLatch closed = new CountDownLatch(1);
			connection.onClose(closed::countDown);
			await().until(() -> connection.outputBufferedBytes() > 0);
			long called = System.nanoTime();
			close.accept(connection);
			assertThat(closed.await(10, TimeUnit.SECONDS)).isTrue();
			long now = System.nanoTime();
			assertThat(connection.channel().isOpen()).isFalse();
			assertThat(connection.outputBufferedBytes()).isZero();
			await().until(() -> this.server.connections.openConnections() == 0);
			return new Closed(TimeUnit.NANOSECONDS.toMillis(now - requested),
					TimeUnit.NANOSECONDS.toMillis(now - called));
		}
	}

	/**
	 * Answer the first line with 4 MiB, far more than the kernel's buffers hold: the first
	 * flush fills the socket, and a client that never reads keeps it full.
	 */
	private static BufferedHandler answerWithFourMib() {
		return new BufferedHandler() {

			@Override
			public void onOpen(BufferedConnection connection) {
				smallSendBuffer(connection);
			}

			@Override
			public void onRead(BufferedConnection connection) {
				if (connection.input().readLine() != null) {
					connection.disableRead();
					connection.output().add(new byte[4 * 1024 * 1024]);
				}
			}

		};
	}

	private static void smallSendBuffer(BufferedConnection connection) {
		smallSendBuffer(connection, 32 * 1024);
	}

	private static void smallSendBuffer(BufferedConnection connection, int size) {
		try {
			connection.channel().setOption(StandardSocketOptions.SO_SNDBUF, size);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * How long a close took, in milliseconds.
	 */
	private record Closed(long afterRequest, long afterClose) {

	}

}
