package io.connlistener;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CyclicBarrier;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.function.UnaryOperator;

import io.connlistener.ListenerSettings.LimitAction;
import io.connlistener.loop.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests of listeners that share one {@link ConnectionCounts}, as the sockets of one service
 * do: several acceptors on two loops, or a socket closed and bound again while its
 * connections live on; and of closing a listener from another loop's callback.
 */
@Timeout(60)
class SharedConnectionCountsTests {

	private final EventLoop first = new EventLoop("shared-counts-1");

	private final EventLoop second = new EventLoop("shared-counts-2");

	private final ConnectionCounts counts = new ConnectionCounts();

	private final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();

	private final List<Socket> clients = new ArrayList<>();

	private final List<ConnListener> listeners = new ArrayList<>();

	@AfterEach
	void close() throws Exception {
		for (Socket client : this.clients) {
			client.close();
		}
		for (Accepted connection : this.accepted) {
			connection.channel().close();
		}
		this.listeners.forEach(ConnListener::close);
		this.first.close();
		this.second.close();
	}

	@Test
	void connectionLimitHoldsForListenersOnTwoLoopsTogether() throws Exception {
		ConnListener a = bind(this.first, (builder) -> builder.maxConnections(3, 2, LimitAction.PAUSE));
		ConnListener b = bind(this.second, (builder) -> builder.maxConnections(3, 2, LimitAction.PAUSE));
		connect(a, 3);
		List<Accepted> open = take(3);
		connect(b, 2);
		await().until(b::isAtConnectionLimit);
		assertThat(this.accepted.poll(200, TimeUnit.MILLISECONDS)).as("accepted by b at the shared limit").isNull();
		assertThat(b.stats().accepted()).isZero();
		assertThat(this.counts.open()).isEqualTo(3);
		// A close reported to a wakes b, which resumes at the resume level of 2.
		open.get(0).closeReported();
		Accepted resumed = take(1).get(0);
		assertThat(resumed.listener()).isSameAs(b);
		assertThat(this.counts.open()).isEqualTo(3);
		for (Socket client : this.clients) {
			assertThat(client.isClosed()).isFalse();
		}
	}

	@Test
	void connectionLimitHoldsAfterTheListenerIsClosedAndBoundAgain() throws Exception {
		ConnListener old = bind(this.first, (builder) -> builder.maxConnections(2, 1, LimitAction.PAUSE));
		connect(old, 2);
		List<Accepted> open = take(2);
		SocketAddress address = old.localAddress();
		old.close();
		// The connections outlive the socket; the socket bound again counts them.
		ConnListener again = ConnListener.builder(this.second)
			.options(ListenerOption.CLOSE_ON_FREE, ListenerOption.REUSEABLE)
			.maxConnections(2, 1, LimitAction.PAUSE)
			.connectionCounts(this.counts)
			.callback(this::record)
			.bind(address);
		this.listeners.add(again);
		connect(again, 1);
		await().until(again::isAtConnectionLimit);
		assertThat(this.accepted.poll(200, TimeUnit.MILLISECONDS)).isNull();
		// Closes are reported to the listener that accepted, closed or not.
		open.get(0).closeReported();
		assertThat(take(1).get(0).listener()).isSameAs(again);
		assertThat(this.counts.open()).isEqualTo(2);
	}

	@Test
	void perIpCapHoldsForListenersOnTwoLoopsTogether() throws Exception {
		ConnListener a = bind(this.first, (builder) -> builder.maxConnectionsPerIp(1));
		ConnListener b = bind(this.second, (builder) -> builder.maxConnectionsPerIp(1));
		connect(a, 1);
		Accepted first = take(1).get(0);
		Socket refused = connect(b, 1).get(0);
		assertThat(read(refused)).as("end of stream for the connection over the cap").isEqualTo(-1);
		assertThat(b.stats().rejections(RejectionReason.PER_IP_LIMIT)).isEqualTo(1);
		assertThat(this.counts.openFrom(InetAddress.getLoopbackAddress())).isEqualTo(1);
		first.closeReported();
		assertThat(this.counts.openFrom(InetAddress.getLoopbackAddress())).isZero();
		connect(b, 1);
		assertThat(take(1).get(0).listener()).isSameAs(b);
		assertThat(this.counts.open()).isEqualTo(1);
	}

	@Test
	void rejectedAndPendingConnectionsGiveTheirPlaceBack() throws Exception {
		ConnListener listener = bind(this.first, (builder) -> builder.maxConnections(1, 0, LimitAction.PAUSE)
			.deny("127.0.0.2/32")
			.options(ListenerOption.DEFERRED_ACCEPT));
		for (int i = 0; i < 3; i++) {
			Socket denied = new Socket();
			denied.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.2"), 0));
			denied.connect(listener.localAddress(), 5000);
			denied.setSoTimeout(10_000);
			this.clients.add(denied);
			assertThat(read(denied)).isEqualTo(-1);
		}
		assertThat(listener.stats().rejections(RejectionReason.DENIED)).isEqualTo(3);
		// A silent client holds the one place while its first byte is awaited...
		Socket silent = connect(listener, 1).get(0);
		await().until(() -> listener.pendingConnections() == 1);
		assertThat(this.counts.open()).isEqualTo(1);
		// ...and gives it back when closing the listener abandons the wait.
		listener.close();
		assertThat(read(silent)).isEqualTo(-1);
		assertThat(this.counts.open()).isZero();
	}

	@Test
	void callbacksOnTwoLoopsMayCloseEachOthersListenerWithoutWaitingForEachOther() throws Exception {
		CyclicBarrier bothInCallbacks = new CyclicBarrier(2);
		List<ConnListener> pair = new ArrayList<>();
		AcceptCallback closeTheOther = (listener, channel, remote) -> {
			try {
				bothInCallbacks.await(10, TimeUnit.SECONDS);
			}
			catch (Exception ex) {
				throw new IllegalStateException(ex);
			}
			// Each loop closes the other's listener while that loop is inside a callback too.
			pair.get(pair.indexOf(listener) ^ 1).close();
			this.accepted.add(new Accepted(listener, channel, remote));
		};
		pair.add(ConnListener.builder(this.first).options(ListenerOption.CLOSE_ON_FREE).callback(closeTheOther)
			.bind(Loopback.ANY_PORT));
		pair.add(ConnListener.builder(this.second).options(ListenerOption.CLOSE_ON_FREE).callback(closeTheOther)
			.bind(Loopback.ANY_PORT));
		this.listeners.addAll(pair);
		connect(pair.get(0), 1);
		connect(pair.get(1), 1);
		take(2);
		for (ConnListener listener : pair) {
			CompletableFuture<Void> released = listener.closeAsync();
			released.get(10, TimeUnit.SECONDS);
			assertThat(listener.isOpen()).isFalse();
		}
	}

	private ConnListener bind(EventLoop loop, UnaryOperator<ConnListenerBuilder> settings)
			throws IOException {
		// Reusable, so that a socket may be bound again while connections it accepted are open.
		ConnListenerBuilder builder = ConnListener.builder(loop)
			.options(ListenerOption.CLOSE_ON_FREE, ListenerOption.REUSEABLE)
			.connectionCounts(this.counts)
			.callback(this::record);
		ConnListener listener = settings.apply(builder).bind(Loopback.ANY_PORT);
		this.listeners.add(listener);
		return listener;
	}

	private List<Socket> connect(ConnListener listener, int count) {
		List<Socket> connected = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			connected.add(Loopback.connect(listener.localAddress()));
		}
		this.clients.addAll(connected);
		return connected;
	}

	private void record(ConnListener listener, SocketChannel channel, SocketAddress remote) {
		this.accepted.add(new Accepted(listener, channel, remote));
	}

	private List<Accepted> take(int count) throws InterruptedException {
		List<Accepted> taken = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Accepted connection = this.accepted.poll(10, TimeUnit.SECONDS);
			assertThat(connection).as("accepted connection %d of %d", i + 1, count).isNotNull();
			taken.add(connection);
		}
		return taken;
	}

	private static int read(Socket socket) throws IOException {
		InputStream input = socket.getInputStream();
		return input.read();
	}

	private record Accepted(ConnListener listener, SocketChannel channel, SocketAddress remote) {

		void closeReported() throws IOException {
			this.channel.close();
			this.listener.connectionClosed(this.remote);
		}

	}

}
