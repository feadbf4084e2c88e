package io.connlistener.boot.listener.tracking;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.connlistener.AcceptCallback;
import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.ListenerOption;
import io.connlistener.loop.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ConnectionTracker}: each connection counted once, for the first reason
 * recorded; closes that raw handlers report to the core listener; the drain's wait.
 */
@Timeout(30)
class ConnectionTrackerTests {

	private final EventLoop loop = new EventLoop("tracker-test");

	private final BlockingQueue<AcceptedConnection> accepted = new LinkedBlockingQueue<>();

	private final List<Socket> clients = new ArrayList<>();

	private final ConnectionTracker tracker = new ConnectionTracker("echo");

	private ConnListener listener;

	@BeforeEach
	void bind() throws IOException {
		AcceptCallback callback = new AcceptCallback() {

			@Override
			public void onAccept(ConnListener listener, java.nio.channels.SocketChannel channel,
					java.net.SocketAddress remoteAddress) {
				ConnectionTrackerTests.this.accepted.add(AcceptedConnection.direct(channel, remoteAddress));
			}

		};
		this.listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE)
			.onConnectionClosed(this.tracker::reportedClosed)
			.callback(callback)
			.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
	}

	@AfterEach
	void close() throws IOException {
		for (Socket client : this.clients) {
			client.close();
		}
		this.listener.close();
		this.loop.close();
	}

	@Test
	void eachConnectionIsCountedOnceForTheFirstReasonRecorded() throws Exception {
		TrackedConnection timedOut = track(false);
		timedOut.closing(CloseReason.IDLE_TIMEOUT);
		timedOut.close(CloseReason.HANDLER_FAILED);
		timedOut.released();
		timedOut.releasedAndReported();
		TrackedConnection closed = track(false);
		closed.close(CloseReason.CLOSED);
		assertThat(this.tracker.outcomes().count(CloseReason.IDLE_TIMEOUT)).isEqualTo(1);
		assertThat(this.tracker.outcomes().count(CloseReason.HANDLER_FAILED)).isZero();
		assertThat(this.tracker.outcomes().count(CloseReason.CLOSED)).isEqualTo(1);
		assertThat(this.tracker.open()).isZero();
		// Each close was reported to the core listener exactly once: two opened, two closed.
		assertThat(this.listener.stats().activeConnections()).isZero();
		assertThat(this.listener.connectionCounts().open()).isZero();
	}

	@Test
	void aCloseARawHandlerReportsToTheListenerReleasesItsConnectionOnce() throws Exception {
		track(true);
		TrackedConnection second = track(true);
		second.channel().close();
		this.listener.connectionClosed(second.remoteAddress());
		assertThat(this.tracker.open()).isEqualTo(1);
		assertThat(this.tracker.outcomes().count(CloseReason.CLOSED)).isEqualTo(1);
		assertThat(this.listener.connectionCounts().open()).isEqualTo(1);
	}

	@Test
	void aShutdownLetsARawHandlerReportTheConnectionItShutDownOnce() throws Exception {
		TrackedConnection connection = track(true);
		TrackedConnection buffered = track(false);
		CompletableFuture<Integer> closed = CompletableFuture
			.supplyAsync(() -> this.tracker.closeAll(CloseReason.SHUTDOWN, Duration.ofSeconds(30)));
		// The handler, which owns the channel, reads the end, closes and reports, as it must.
		await().atMost(Duration.ofSeconds(10)).until(() -> readByHandler(connection) == -1);
		assertThat(closed).isNotDone();
		connection.channel().close();
		this.listener.connectionClosed(connection.remoteAddress());
		assertThat(closed.get(10, TimeUnit.SECONDS)).isEqualTo(2);
		assertThat(buffered.channel().isOpen()).isFalse();
		assertThat(this.tracker.outcomes().count(CloseReason.SHUTDOWN)).isEqualTo(2);
		assertThat(this.tracker.open()).isZero();
		// Each place given back once: the counts outlive a stop, and a restart would admit one too many.
		assertThat(this.listener.connectionCounts().open()).isZero();
		assertThat(this.listener.stats().activeConnections()).isZero();
	}

	@Test
	void aShutdownClosesAndReportsWhatARawHandlerLeavesOpenAfterTheWait() throws Exception {
		TrackedConnection connection = track(true);
		assertThat(this.tracker.closeAll(CloseReason.SHUTDOWN, Duration.ofMillis(20))).isOne();
		assertThat(connection.channel().isOpen()).isFalse();
		assertThat(this.tracker.outcomes().count(CloseReason.SHUTDOWN)).isOne();
		assertThat(this.tracker.open()).isZero();
		assertThat(this.listener.connectionCounts().open()).isZero();
	}

	@Test
	void anOperatorsCloseOfARawConnectionLetsItsHandlerReportTheCloseOnce() throws Exception {
		TrackedConnection connection = track(true);
		Socket client = this.clients.get(0);
		connection.closeByOperator();
		// The client sees the end, and the handler, which owns the channel, reads it.
		assertThat(client.getInputStream().read()).isEqualTo(-1);
		assertThat(readByHandler(connection)).isEqualTo(-1);
		assertThat(this.tracker.open()).isEqualTo(1);
		// As a raw handler must: close the channel and report the close to the listener.
		connection.channel().close();
		this.listener.connectionClosed(connection.remoteAddress());
		assertThat(this.tracker.open()).isZero();
		assertThat(this.tracker.outcomes().count(CloseReason.CLOSED_BY_OPERATOR)).isEqualTo(1);
		// Its place was given back once: none open, not one too few.
		assertThat(this.listener.stats().activeConnections()).isZero();
		assertThat(this.listener.connectionCounts().open()).isZero();
	}

	@Test
	void anOperatorsCloseOfAnyOtherConnectionClosesAndReportsItAtOnce() throws Exception {
		TrackedConnection connection = track(false);
		connection.closeByOperator();
		assertThat(connection.channel().isOpen()).isFalse();
		assertThat(this.tracker.open()).isZero();
		assertThat(this.tracker.outcomes().count(CloseReason.CLOSED_BY_OPERATOR)).isEqualTo(1);
		assertThat(this.listener.connectionCounts().open()).isZero();
	}

	@Test
	void connectionsThatShareAnAddressReleaseTheOneWhoseChannelClosed() throws Exception {
		TrackedConnection open = track(true);
		TrackedConnection closed = track(true);
		java.net.SocketAddress shared = new InetSocketAddress("127.0.0.1", 1);
		// As Unix domain peers do, whose addresses are all the same.
		TrackedConnection openShared = trackAs(open, shared);
		TrackedConnection closedShared = trackAs(closed, shared);
		closedShared.channel().close();
		this.tracker.reportedClosed(shared);
		assertThat(closedShared.isReleased()).isTrue();
		assertThat(openShared.isReleased()).isFalse();
	}

	@Test
	void theWaitForTheLastConnectionEndsWhenItIsReleased() throws Exception {
		TrackedConnection connection = track(false);
		long deadline = System.nanoTime() + Duration.ofSeconds(20).toNanos();
		CompletableFuture<Boolean> drained = CompletableFuture.supplyAsync(() -> this.tracker.awaitEmpty(deadline));
		assertThat(drained).isNotDone();
		connection.close(CloseReason.CLOSED);
		assertThat(drained.get(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.tracker.awaitEmpty(System.nanoTime())).isTrue();
	}

	@Test
	void theWaitEndsAtTheDeadlineWhileAConnectionIsOpen() throws Exception {
		track(false);
		assertThat(this.tracker.awaitEmpty(System.nanoTime() + Duration.ofMillis(50).toNanos())).isFalse();
	}

	/** Read as a raw handler does, which takes a channel closed under it for the end too. */
	private static int readByHandler(TrackedConnection connection) throws IOException {
		try {
			return connection.channel().read(ByteBuffer.allocate(16));
		}
		catch (ClosedChannelException ex) {
			return -1;
		}
	}

	private TrackedConnection track(boolean reportedThroughListener) throws Exception {
		this.clients.add(new Socket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) this.listener.localAddress())
			.getPort()));
		AcceptedConnection connection = this.accepted.poll(10, TimeUnit.SECONDS);
		assertThat(connection).isNotNull();
		return this.tracker.track(this.listener, connection, reportedThroughListener);
	}

	private TrackedConnection trackAs(TrackedConnection connection, java.net.SocketAddress address) {
		connection.releasedAndReported();
		return this.tracker.track(this.listener, AcceptedConnection.direct(connection.channel(), address), true);
	}

}
