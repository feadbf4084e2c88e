package io.connlistener.boot.listener.serving;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicReference;
import java.util.concurrent.locks.LockSupport;

import io.connlistener.loop.EventLoop;
import io.connlistener.testsupport.PacedReader;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ChannelStreams} and {@link ChannelPoller} over a real loopback
 * connection and a real loop.
 */
@Timeout(30)
class ChannelStreamsTests {

	private static final Duration TIMEOUT = Duration.ofMillis(300);

	/** Small, so that what the server writes waits in its own send buffer. */
	private static final int PEER_RECEIVE_BUFFER = 32 * 1024;

	private static final int READ_RATE = 3 * 1024 * 1024;

	private static final Duration WAIT = Duration.ofSeconds(20);

	private final EventLoop loop = new EventLoop("channel-streams-test");

	private final ExecutorService executor = Executors.newFixedThreadPool(2);

	/** Which timeouts ran out: {@code true} for the write timeout. */
	private final List<Boolean> timeouts = new CopyOnWriteArrayList<>();

	private ServerSocketChannel listener;

	private SocketChannel peer;

	private SocketChannel channel;

	private ChannelPoller poller;

	@BeforeEach
	void connect() throws IOException {
		this.listener = ServerSocketChannel.open().bind(new InetSocketAddress("127.0.0.1", 0));
		this.peer = SocketChannel.open();
		this.peer.setOption(StandardSocketOptions.SO_RCVBUF, PEER_RECEIVE_BUFFER);
		this.peer.connect(this.listener.getLocalAddress());
		this.channel = this.listener.accept();
		this.channel.configureBlocking(false);
		this.poller = new ChannelPoller(this.loop, this.channel);
	}

	@AfterEach
	void close() throws IOException {
		this.executor.shutdownNow();
		this.poller.close();
		this.peer.close();
		this.listener.close();
		this.loop.close();
	}

	@Test
	void writeOfALargeArrayThatASlowPeerTakesSliceBySliceNeverTimesOut() throws Exception {
		ChannelStreams streams = streams(null, TIMEOUT);
		byte[] payload = new byte[6 * 1024 * 1024];
		Future<Long> read = this.executor.submit(() -> PacedReader.read(this.peer, payload.length, READ_RATE).bytes());
		long start = System.nanoTime();
		// Longer than the timeout in all, and Linux reports the socket writable only once
		// about a third of its send buffer is free: longer than the timeout too at this pace.
		streams.outputStream().write(payload);
		assertThat(read.get(WAIT.toSeconds(), TimeUnit.SECONDS)).isEqualTo(payload.length);
		assertThat(System.nanoTime() - start).isGreaterThan(TIMEOUT.toNanos());
		assertThat(this.timeouts).isEmpty();
	}

	@Test
	void writeThatThePeerTakesNothingOfTimesOutAtTheWriteTimeoutOnce() throws Exception {
		ChannelStreams streams = streams(Duration.ofMinutes(1), TIMEOUT);
		long start = System.nanoTime();
		assertThatExceptionOfType(SocketTimeoutException.class)
			.isThrownBy(() -> streams.outputStream().write(new byte[32 * 1024 * 1024]))
			.withMessage("Write timed out: the peer took nothing for 300 ms");
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TIMEOUT.toNanos());
		assertThat(this.timeouts).containsExactly(true);
		assertThat(this.channel.isOpen()).isFalse();
	}

	@Test
	void withoutAWriteTimeoutAStalledWriteEndsAtTheIdleTimeout() throws Exception {
		ChannelStreams streams = streams(TIMEOUT, null);
		assertThatExceptionOfType(SocketTimeoutException.class)
			.isThrownBy(() -> streams.outputStream().write(new byte[32 * 1024 * 1024]))
			.withMessage("Write timed out: nothing moved either way for 300 ms");
		assertThat(this.timeouts).containsExactly(false);
	}

	@Test
	void readThatWaitsWhileNothingMovesTimesOutAtTheIdleTimeoutAndLeavesNothingOnTheLoop() throws Exception {
		ChannelStreams streams = streams(TIMEOUT, TIMEOUT);
		InputStream input = streams.inputStream();
		this.peer.write(ByteBuffer.wrap(new byte[] { 7 }));
		assertThat(input.read()).isEqualTo(7);
		long start = System.nanoTime();
		assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(input::read)
			.withMessage("Read timed out: nothing moved either way for 300 ms");
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TIMEOUT.toNanos());
		assertThat(this.timeouts).containsExactly(false);
		// The peer sees the close, and the loop lets go of the channel.
		ByteBuffer one = ByteBuffer.allocate(1);
		assertThat(this.peer.read(one)).isEqualTo(-1);
		await().atMost(WAIT).until(() -> this.loop.registeredChannels() == 0);
	}

	@Test
	void readIsNotIdleWhileAnotherThreadWrites() throws Exception {
		// Longer than the others: the writing thread must not pause for as long on a busy machine.
		Duration idleTimeout = Duration.ofSeconds(1);
		ChannelStreams streams = streams(idleTimeout, idleTimeout);
		OutputStream output = streams.outputStream();
		Future<Integer> reading = this.executor.submit(() -> streams.inputStream().read());
		Future<?> peerReading = this.executor.submit(() -> PacedReader.read(this.peer, Long.MAX_VALUE, READ_RATE));
		// Twice the idle timeout of writing in small pieces, while the read waits for a byte that never comes.
		long until = System.nanoTime() + 2 * idleTimeout.toNanos();
		while (System.nanoTime() - until < 0) {
			output.write(new byte[1024]);
			LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(10));
			assertThat(reading).isNotDone();
		}
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> reading.get(WAIT.toSeconds(), TimeUnit.SECONDS))
			.withCauseInstanceOf(SocketTimeoutException.class);
		assertThat(this.timeouts).containsExactly(false);
		peerReading.cancel(true);
	}

	@Test
	void closeWakesAThreadThatWaitsWithoutATimeout() throws Exception {
		ChannelStreams streams = streams(null, null);
		Future<Integer> reading = this.executor.submit(() -> streams.inputStream().read());
		await().atMost(WAIT).until(() -> this.loop.registeredChannels() == 1);
		this.poller.close();
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> reading.get(WAIT.toSeconds(), TimeUnit.SECONDS))
			.withCauseInstanceOf(ClosedChannelException.class);
		await().atMost(WAIT).until(() -> this.loop.registeredChannels() == 0);
		assertThat(this.timeouts).isEmpty();
	}

	@Test
	void interruptingAThreadThatWaitsClosesTheChannelAsABlockingChannelDoes() throws Exception {
		ChannelStreams streams = streams(null, null);
		AtomicReference<Thread> thread = new AtomicReference<>();
		Future<Integer> reading = this.executor.submit(() -> {
			thread.set(Thread.currentThread());
			return streams.inputStream().read();
		});
		await().atMost(WAIT).until(() -> this.loop.registeredChannels() == 1);
		thread.get().interrupt();
		assertThatExceptionOfType(ExecutionException.class)
			.isThrownBy(() -> reading.get(WAIT.toSeconds(), TimeUnit.SECONDS))
			.withCauseInstanceOf(ClosedByInterruptException.class);
		assertThat(this.channel.isOpen()).isFalse();
	}

	private ChannelStreams streams(Duration idleTimeout, Duration writeTimeout) {
		return new ChannelStreams(this.channel, this.poller, idleTimeout, writeTimeout, (writing) -> {
			this.timeouts.add(writing);
			this.poller.close();
		}, null);
	}

}
