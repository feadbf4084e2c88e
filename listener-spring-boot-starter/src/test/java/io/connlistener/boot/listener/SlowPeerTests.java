package io.connlistener.boot.listener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.BlockingConnection;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.testsupport.TestHandlers;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.testsupport.Figures;
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
 * Tests of listeners with slow peers, on loopback: clients that read steadily but slowly
 * must never be taken for clients that stopped reading, and a client that stopped must be
 * closed whatever paused the connection. Figures go to {@code target/figures.txt}, quoted in
 * {@code docs/RELIABILITY.md}.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(60)
class SlowPeerTests {

	private static final Duration TIMEOUT = Duration.ofSeconds(1);

	private static final int SLOW_READERS = 60;

	/**
	 * More than the 4 MB that the server's send buffer autotunes to, so that it fills and
	 * output waits: a 4 MiB echo fits in it almost whole, and the server hardly ever waits.
	 */
	private static final int PAYLOAD = 6 * 1024 * 1024;

	private static final int READ_RATE = 768 * 1024;

	/**
	 * Small enough that the echo waits in the server's send buffer rather than the client's
	 * receive buffer: a send buffer that Linux autotunes to 4 MB, and reports writable only
	 * once a third of it is free again, more than a second and a half of this pace.
	 */
	private static final int CLIENT_RECEIVE_BUFFER = 32 * 1024;

	/** Small, so that what the client sends waits at the server, which then has output waiting too. */
	private static final int CLIENT_SEND_BUFFER = 64 * 1024;

	/** Ticks without a byte sent after which a client starts reading: the buffers are full. */
	private static final int PUSHED_BACK_TICKS = 3;

	/**
	 * Longest a client sends before it starts reading in any case: well within the write
	 * timeout, so that a server whose send buffer filled has a reading peer before it runs out.
	 */
	private static final Duration MAX_FILL = Duration.ofMillis(500);

	private static final Duration TICK = Duration.ofMillis(10);

	/** The blocking echo writes what it read in writes this large, longer than the timeout at the pace. */
	private static final int BLOCKING_ECHO_CHUNK = 1024 * 1024;

	private static final Duration IDLE_TIMEOUT = Duration.ofMillis(500);

	private static final long MAX_UNREAD_BYTES = 256L * 1024 * 1024;

	private static final Duration SETTLE = Duration.ofSeconds(20);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(EchoHandlers.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.defaults.address=127.0.0.1",
				"conn-listener.listeners.buffered.port=0", "conn-listener.listeners.blocking.port=0");

	@ParameterizedTest
	@ValueSource(strings = { "buffered", "blocking" })
	void steadySlowReadersOfALargeEchoAllCompleteWithinTheWriteTimeout(String style) {
		this.contextRunner.withPropertyValues("conn-listener.defaults.idle-timeout=" + TIMEOUT.toMillis() + "ms")
			.run((context) -> {
				ManagedConnListener listener = context.getBean(ConnListenerRegistry.class).get(style);
				assertThat(listener.definition().writeTimeout()).isEqualTo(TIMEOUT);
				SlowReaders readers = new SlowReaders(listener.localAddress(), SLOW_READERS);
				long start = System.nanoTime();
				readers.run();
				long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
				await().atMost(SETTLE).until(() -> listener.activeConnections() == 0);
				Figures.record("slow-readers-" + style, "%d clients each echoing %d KiB, reading at %d KiB/s into a %d "
						+ "KiB receive buffer once their sends were pushed back (after %d ms at most): %d of %d "
						+ "complete (%d KiB lost) in %d ms, fastest %d ms, slowest %d ms; longest gap between two "
						+ "reads that got bytes %d ms; write-timeout %d ms: write-timeout count %d, idle-timeout "
						+ "count %d, handler failures %d", SLOW_READERS, PAYLOAD / 1024, READ_RATE / 1024,
						CLIENT_RECEIVE_BUFFER / 1024, readers.longestFillMillis(), readers.completed(), SLOW_READERS,
						readers.lostBytes() / 1024, millis, readers.fastestMillis(), readers.slowestMillis(),
						readers.longestStallMillis(), TIMEOUT.toMillis(), listener.writeTimeouts(),
						listener.idleTimeouts(), listener.handlerFailures());
				assertThat(readers.completed()).as("clients that got the whole echo").isEqualTo(SLOW_READERS);
				assertThat(listener.writeTimeouts()).isZero();
				assertThat(listener.idleTimeouts()).isZero();
				assertThat(listener.handlerFailures()).isZero();
			});
	}

	@ParameterizedTest
	@ValueSource(strings = { "buffered", "blocking" })
	void clientThatSendsButNeverReadsIsClosedAtTheIdleTimeoutWithoutAWriteTimeout(String style) {
		this.contextRunner
			.withPropertyValues("conn-listener.defaults.idle-timeout=" + IDLE_TIMEOUT.toMillis() + "ms",
					"conn-listener.defaults.write-timeout=0")
			.run((context) -> {
				ManagedConnListener listener = context.getBean(ConnListenerRegistry.class).get(style);
				assertThat(listener.definition().writeTimeout()).isNull();
				ExecutorService executor = Executors.newSingleThreadExecutor();
				try {
					AtomicLong sent = new AtomicLong();
					long start = System.nanoTime();
					Future<Long> closed = executor.submit(() -> sendUntilClosed(listener.localAddress(), sent, start));
					// Without a bound the connection is held forever: wait long enough to tell.
					await().atMost(SETTLE).until(() -> listener.activeConnections() == 0 && closed.isDone());
					long closedMillis = closed.get();
					Figures.record("idle-no-write-timeout-" + style,
							"a client that sent %d KiB and read nothing was closed %d ms after connecting "
									+ "(idle-timeout %d ms, write-timeout 0); idle-timeout count %d, write-timeout "
									+ "count %d, handler failures %d",
							sent.get() / 1024, closedMillis, IDLE_TIMEOUT.toMillis(), listener.idleTimeouts(),
							listener.writeTimeouts(), listener.handlerFailures());
					assertThat(sent.get()).isLessThan(MAX_UNREAD_BYTES);
					assertThat(listener.idleTimeouts()).isEqualTo(1);
					assertThat(listener.writeTimeouts()).isZero();
					assertThat(listener.handlerFailures()).isZero();
					assertThat(closedMillis).isGreaterThanOrEqualTo(IDLE_TIMEOUT.toMillis());
					// The buffers fill in a few hundred milliseconds; then it is idle for the timeout.
					assertThat(closedMillis).isLessThan(IDLE_TIMEOUT.toMillis() + 5000);
				}
				finally {
					executor.shutdownNow();
				}
			});
	}

	/**
	 * Send until the server closes the connection, reading nothing; return the milliseconds
	 * from before the connect until a write failed.
	 */
	private static long sendUntilClosed(SocketAddress listenerAddress, AtomicLong sent, long start) throws IOException {
		byte[] chunk = new byte[64 * 1024];
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", ((InetSocketAddress) listenerAddress).getPort()), 10_000);
			OutputStream output = socket.getOutputStream();
			while (sent.get() < MAX_UNREAD_BYTES) {
				output.write(chunk);
				sent.addAndGet(chunk.length);
			}
		}
		catch (IOException ex) {
			// Closed by the server while this end still wrote: what is expected.
		}
		return TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
	}

	private static byte expected(long offset) {
		return (byte) (offset % 251);
	}

	/**
	 * Clients on one thread, each sending {@link #PAYLOAD} bytes as fast as the server takes
	 * them and reading the echo at {@link #READ_RATE}, checking every byte. A client that is
	 * closed or reset before it has the whole echo counts as lost.
	 */
	private static final class SlowReaders {

		private final SocketAddress address;

		private final int count;

		private final List<Reader> readers = new ArrayList<>();

		SlowReaders(SocketAddress address, int count) {
			this.address = address;
			this.count = count;
		}

		void run() throws IOException {
			byte[] payload = new byte[PAYLOAD];
			for (int i = 0; i < PAYLOAD; i++) {
				payload[i] = expected(i);
			}
			try {
				InetSocketAddress target = new InetSocketAddress("127.0.0.1",
						((InetSocketAddress) this.address).getPort());
				for (int i = 0; i < this.count; i++) {
					this.readers.add(new Reader(target, payload));
				}
				long deadline = System.nanoTime() + SETTLE.toNanos() + TimeUnit.SECONDS.toNanos(PAYLOAD / READ_RATE);
				long next = System.nanoTime();
				while (this.readers.stream().anyMatch(Reader::isActive)) {
					assertThat(System.nanoTime() - deadline).as("time left for the readers").isNegative();
					for (Reader reader : this.readers) {
						reader.step();
					}
					next += TICK.toNanos();
					LockSupport.parkNanos(next - System.nanoTime());
				}
			}
			finally {
				for (Reader reader : this.readers) {
					reader.close();
				}
			}
		}

		long completed() {
			return this.readers.stream().filter(Reader::isComplete).count();
		}

		long lostBytes() {
			return this.readers.stream().mapToLong((reader) -> PAYLOAD - reader.received).sum();
		}

		long fastestMillis() {
			return this.readers.stream().filter(Reader::isComplete).mapToLong(Reader::millis).min().orElse(0);
		}

		long slowestMillis() {
			return this.readers.stream().filter(Reader::isComplete).mapToLong(Reader::millis).max().orElse(0);
		}

		long longestFillMillis() {
			return this.readers.stream().mapToLong(Reader::fillMillis).max().orElse(0);
		}

		long longestStallMillis() {
			long nanos = this.readers.stream().mapToLong((reader) -> reader.longestStall).max().orElse(0);
			return TimeUnit.NANOSECONDS.toMillis(nanos);
		}

	}

	/**
	 * One paced client. It sends until its writes are pushed back (or for
	 * {@link #MAX_FILL}), so that every buffer on the way is full and the server's send
	 * buffer holds megabytes, then reads at the pace while it sends the rest.
	 */
	private static final class Reader {

		private final SocketChannel channel;

		private final ByteBuffer output;

		private final ByteBuffer input = ByteBuffer.allocate(64 * 1024);

		private final long start = System.nanoTime();

		private int pushedBack;

		private long readingSince;

		private long lastStep;

		private long tokens;

		private long received;

		private long lastRead;

		private long longestStall;

		private long end;

		private boolean failed;

		Reader(InetSocketAddress target, byte[] payload) throws IOException {
			this.channel = SocketChannel.open();
			this.channel.setOption(StandardSocketOptions.SO_RCVBUF, CLIENT_RECEIVE_BUFFER);
			this.channel.setOption(StandardSocketOptions.SO_SNDBUF, CLIENT_SEND_BUFFER);
			this.channel.connect(target);
			this.channel.configureBlocking(false);
			this.output = ByteBuffer.wrap(payload);
		}

		boolean isComplete() {
			return this.received == PAYLOAD;
		}

		boolean isActive() {
			return !this.failed && this.received < PAYLOAD;
		}

		void step() {
			if (!isActive()) {
				return;
			}
			try {
				long now = System.nanoTime();
				send();
				if (this.readingSince == 0) {
					if (this.output.hasRemaining() && this.pushedBack < PUSHED_BACK_TICKS
							&& now - this.start < MAX_FILL.toNanos()) {
						return;
					}
					this.readingSince = now;
					this.lastStep = now;
					this.lastRead = now;
				}
				read(now);
			}
			catch (IOException ex) {
				// Reset by the server: the rest of the echo is lost.
				this.failed = true;
			}
		}

		private void send() throws IOException {
			if (!this.output.hasRemaining()) {
				return;
			}
			this.pushedBack = (this.channel.write(this.output) > 0) ? 0 : this.pushedBack + 1;
			if (!this.output.hasRemaining()) {
				this.channel.shutdownOutput();
			}
		}

		private void read(long now) throws IOException {
			// A token bucket that holds two ticks' worth: a steady pace, never a burst to catch up.
			this.tokens = Math.min(this.tokens + (now - this.lastStep) * READ_RATE / TimeUnit.SECONDS.toNanos(1),
					2 * READ_RATE * TICK.toNanos() / TimeUnit.SECONDS.toNanos(1));
			this.lastStep = now;
			int budget = (int) Math.min(Math.min(this.input.capacity(), this.tokens), PAYLOAD - this.received);
			if (budget <= 0) {
				return;
			}
			this.input.clear().limit(budget);
			int read = this.channel.read(this.input);
			if (read < 0) {
				this.failed = true;
				return;
			}
			if (read == 0) {
				return;
			}
			this.tokens -= read;
			for (int i = 0; i < read; i++) {
				if (this.input.get(i) != expected(this.received + i)) {
					throw new AssertionError("Byte " + (this.received + i) + " of the echo differs");
				}
			}
			this.received += read;
			this.longestStall = Math.max(this.longestStall, now - this.lastRead);
			this.lastRead = now;
			if (this.received == PAYLOAD) {
				this.end = now;
			}
		}

		long millis() {
			return TimeUnit.NANOSECONDS.toMillis(this.end - this.start);
		}

		long fillMillis() {
			return TimeUnit.NANOSECONDS.toMillis(this.readingSince - this.start);
		}

		void close() {
			try {
				this.channel.close();
			}
			catch (IOException ex) {
				// Closing a test client.
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

		/**
		 * Echoes bytes in writes of up to {@link #BLOCKING_ECHO_CHUNK}, until the peer
		 * half-closes.
		 */
		@Bean
		@ConnectionHandler("blocking")
		BlockingConnectionHandler blockingHandler() {
			return (BlockingConnection connection) -> {
				InputStream input = connection.inputStream();
				OutputStream output = connection.outputStream();
				byte[] buffer = new byte[BLOCKING_ECHO_CHUNK];
				int read;
				while ((read = input.readNBytes(buffer, 0, buffer.length)) > 0) {
					output.write(buffer, 0, read);
				}
			};
		}

	}

}
