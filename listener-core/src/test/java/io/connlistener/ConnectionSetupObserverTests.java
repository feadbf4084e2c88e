package io.connlistener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.connlistener.loop.EventLoop;
import io.connlistener.proxy.ProxyProtocolMode;
import io.connlistener.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * What a {@link ConnectionSetupObserver} is told, on real loopback sockets: each accepted
 * connection once, before any stage, and how its accept path ended.
 */
@Timeout(30)
class ConnectionSetupObserverTests {

	@RegisterExtension
	final LogCapture log = LogCapture.julLoggers("io.connlistener");

	private final EventLoop loop = new EventLoop("setup-observer-test");

	private final BlockingQueue<String> told = new LinkedBlockingQueue<>();

	private final BlockingQueue<AcceptedConnection> accepted = new LinkedBlockingQueue<>();

	private final List<Socket> clients = new ArrayList<>();

	private ConnListener listener;

	@AfterEach
	void close() throws IOException {
		Loopback.closeAll(this.clients, this.accepted.stream().map(AcceptedConnection::channel).toList(),
				this.listener, this.loop);
	}

	@Test
	void handedOverConnectionCarriesItsSetupToTheCallback() throws Exception {
		this.listener = ConnListener.builder(this.loop)
			.onConnectionAccepted(this::follow)
			.callback(new AcceptCallback() {

				@Override
				public void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
				}

				@Override
				public void onAccept(ConnListener listener, AcceptedConnection connection) {
					ConnectionSetupObserverTests.this.accepted.add(connection);
				}

			})
			.bind(Loopback.ANY_PORT);
		Socket client = connect();

		assertThat(next()).isEqualTo("accepted " + client.getLocalSocketAddress());
		assertThat(next()).isEqualTo("handed over " + client.getLocalSocketAddress());
		AcceptedConnection connection = this.accepted.poll(10, TimeUnit.SECONDS);
		assertThat(connection).isNotNull();
		assertThat(connection.setup()).isInstanceOf(RecordingSetup.class);
	}

	@Test
	void rejectedConnectionTellsItsReason() throws Exception {
		this.listener = ConnListener.builder(this.loop)
			.onConnectionAccepted(this::follow)
			.deny("127.0.0.0/8")
			.callback((listener, channel, remote) -> this.accepted.add(AcceptedConnection.direct(channel, remote)))
			.bind(Loopback.ANY_PORT);
		Socket client = connect();

		assertThat(client.getInputStream().read()).isEqualTo(-1);
		assertThat(next()).isEqualTo("accepted " + client.getLocalSocketAddress());
		assertThat(next()).isEqualTo("rejected denied");
		assertThat(this.accepted).isEmpty();
	}

	@Test
	void connectionParkedInAStageIsAbandonedWhenTheListenerCloses() throws Exception {
		this.listener = ConnListener.builder(this.loop)
			.onConnectionAccepted(this::follow)
			.proxyProtocol(ProxyProtocolMode.REQUIRED)
			.trustedProxies("127.0.0.0/8")
			.callback((listener, channel, remote) -> this.accepted.add(AcceptedConnection.direct(channel, remote)))
			.bind(Loopback.ANY_PORT);
		Socket client = connect();
		assertThat(next()).isEqualTo("accepted " + client.getLocalSocketAddress());

		this.listener.close();

		assertThat(next()).isEqualTo("abandoned");
		assertThat(client.getInputStream().read()).isEqualTo(-1);
	}

	@Test
	void listenerWithoutObserverHandsOverNoSetup() throws Exception {
		this.listener = ConnListener.builder(this.loop)
			.callback(new AcceptCallback() {

				@Override
				public void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
				}

				@Override
				public void onAccept(ConnListener listener, AcceptedConnection connection) {
					ConnectionSetupObserverTests.this.accepted.add(connection);
				}

			})
			.bind(Loopback.ANY_PORT);
		connect();

		AcceptedConnection connection = this.accepted.poll(10, TimeUnit.SECONDS);
		assertThat(connection).isNotNull();
		assertThat(connection.setup()).isNull();
	}

	private ConnectionSetup follow(SocketAddress peer) {
		this.told.add("accepted " + normalized(peer));
		return new RecordingSetup();
	}

	private Socket connect() {
		Socket socket = Loopback.connect(this.listener.localAddress());
		this.clients.add(socket);
		return socket;
	}

	private String next() throws InterruptedException {
		String next = this.told.poll(10, TimeUnit.SECONDS);
		assertThat(next).as("what the observer was told").isNotNull();
		return next;
	}

	private static String normalized(SocketAddress address) {
		InetSocketAddress inet = (InetSocketAddress) address;
		return new InetSocketAddress(inet.getAddress(), inet.getPort()).toString();
	}

	private final class RecordingSetup implements ConnectionSetup {

		@Override
		public void rejected(RejectionReason reason) {
			ConnectionSetupObserverTests.this.told.add("rejected " + reason.tag());
		}

		@Override
		public void abandoned() {
			ConnectionSetupObserverTests.this.told.add("abandoned");
		}

		@Override
		public void handedOver(AcceptedConnection accepted) {
			ConnectionSetupObserverTests.this.told.add("handed over " + normalized(accepted.remoteAddress()));
		}

		@Override
		public void ready() {
		}

		@Override
		public void closed(String reason) {
		}

	}

}
