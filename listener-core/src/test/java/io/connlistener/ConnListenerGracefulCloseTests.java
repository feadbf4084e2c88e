package io.connlistener;

import java.io.IOException;
import java.io.InputStream;
import java.net.Socket;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.connlistener.admission.CidrRange;
import io.connlistener.loop.EventLoop;
import io.connlistener.proxy.ProxyProtocolMode;
import io.connlistener.proxy.ProxyProtocolSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ConnListener#closeGracefully()}: connections in the listen queue, and
 * those still sending their PROXY header, are served rather than reset.
 */
@Timeout(60)
class ConnListenerGracefulCloseTests {

	private final EventLoop loop = new EventLoop("graceful-close-test");

	private final BlockingQueue<SocketChannel> accepted = new LinkedBlockingQueue<>();

	private final List<Socket> clients = new ArrayList<>();

	@AfterEach
	void close() throws IOException {
		Loopback.closeAll(this.clients, this.accepted, null, this.loop);
	}

	@Test
	void closeGracefullyAcceptsTheConnectionsWaitingInTheQueue() throws Exception {
		ConnListener listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE, ListenerOption.DISABLED)
			.callback((l, channel, remote) -> this.accepted.add(channel))
			.bind(Loopback.ANY_PORT);
		for (int i = 0; i < 3; i++) {
			this.clients.add(Loopback.connect(listener.localAddress()));
		}
		listener.closeGracefully();
		assertThat(listener.isOpen()).isFalse();
		assertThat(listener.stats().accepted()).isEqualTo(3);
		assertThat(this.accepted).hasSize(3);
		assertThat(listener.pendingConnections()).isZero();
	}

	@Test
	void closeResetsTheConnectionsWaitingInTheQueue() throws Exception {
		ConnListener listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE, ListenerOption.DISABLED)
			.callback((l, channel, remote) -> this.accepted.add(channel))
			.bind(Loopback.ANY_PORT);
		Socket client = Loopback.connect(listener.localAddress());
		this.clients.add(client);
		listener.close();
		assertThat(this.accepted).isEmpty();
		assertThat(resetOrEnded(client)).isTrue();
	}

	@Test
	void closeGracefullyLetsAProxyHeaderUnderWayReachTheCallback() throws Exception {
		ConnListener listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE)
			.proxyProtocol(new ProxyProtocolSettings(ProxyProtocolMode.REQUIRED, List.of(CidrRange.parse("127.0.0.1")),
					Duration.ofSeconds(10)))
			.callback((l, channel, remote) -> this.accepted.add(channel))
			.bind(Loopback.ANY_PORT);
		Socket client = Loopback.connect(listener.localAddress());
		this.clients.add(client);
		client.getOutputStream().write("PROXY TCP4 192.0.2.1 ".getBytes(StandardCharsets.US_ASCII));
		client.getOutputStream().flush();
		await().atMost(Duration.ofSeconds(10)).until(() -> listener.pendingConnections() == 1);
		listener.closeGracefully();
		client.getOutputStream().write("192.0.2.2 5000 80\r\n".getBytes(StandardCharsets.US_ASCII));
		client.getOutputStream().flush();
		SocketChannel served = this.accepted.poll(10, TimeUnit.SECONDS);
		assertThat(served).isNotNull();
		assertThat(listener.pendingConnections()).isZero();
	}

	private static boolean resetOrEnded(Socket client) throws IOException {
		client.setSoTimeout(5000);
		try (InputStream in = client.getInputStream()) {
			return in.read() == -1;
		}
		catch (SocketException ex) {
			return true;
		}
	}

}
