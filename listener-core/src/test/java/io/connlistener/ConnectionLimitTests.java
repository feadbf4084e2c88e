package io.connlistener;

import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.connlistener.ListenerSettings.LimitAction;
import io.connlistener.loop.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

@Timeout(60)
class ConnectionLimitTests {

	private final EventLoop loop = new EventLoop("limit-test");

	private final BlockingQueue<SocketChannel> accepted = new LinkedBlockingQueue<>();

	private final List<Socket> clients = new ArrayList<>();

	private ConnListener listener;

	@AfterEach
	void close() throws Exception {
		Loopback.closeAll(this.clients, this.accepted, this.listener, this.loop);
	}

	@Test
	void atTheLimitAcceptingPausesAndResumesAtTheResumeLevel() throws Exception {
		this.listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE, ListenerOption.DISABLED)
			.maxConnections(5, 3, LimitAction.PAUSE)
			.callback(this::record)
			.bind(Loopback.ANY_PORT);
		for (int i = 0; i < 8; i++) {
			this.clients.add(Loopback.connect(this.listener.localAddress()));
		}
		this.listener.enable();
		List<SocketChannel> open = take(5);
		await().until(this.listener::isAtConnectionLimit);
		assertThat(this.listener.isAccepting()).isFalse();
		assertThat(this.listener.stats().rejections(RejectionReason.MAX_CONNECTIONS)).isEqualTo(1);
		// Above the resume level nothing changes.
		closeReported(open.remove(0));
		assertThat(this.listener.isAtConnectionLimit()).isTrue();
		closeReported(open.remove(0));
		open.addAll(take(2));
		await().until(this.listener::isAtConnectionLimit);
		assertThat(this.listener.stats().accepted()).isEqualTo(7);
		assertThat(this.listener.stats().activeConnections()).isEqualTo(5);
		// Nothing was accepted and then dropped: every client is still connected, the last waits.
		for (Socket client : this.clients) {
			assertThat(client.isClosed()).isFalse();
		}
		assertThat(this.accepted.poll()).isNull();
		for (SocketChannel channel : open) {
			closeReported(channel);
		}
		take(1);
		await().until(() -> !this.listener.isAtConnectionLimit());
	}

	@Test
	void closeActionAcceptsAndClosesAtTheLimit() throws Exception {
		this.listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE, ListenerOption.DISABLED)
			.maxConnections(2, -1, LimitAction.CLOSE)
			.callback(this::record)
			.bind(Loopback.ANY_PORT);
		for (int i = 0; i < 4; i++) {
			this.clients.add(Loopback.connect(this.listener.localAddress()));
		}
		this.listener.enable();
		take(2);
		await().until(() -> this.listener.stats().rejections(RejectionReason.MAX_CONNECTIONS) == 2);
		assertThat(this.clients.get(2).getInputStream().read()).isEqualTo(-1);
		assertThat(this.clients.get(3).getInputStream().read()).isEqualTo(-1);
		assertThat(this.listener.isAccepting()).isTrue();
		assertThat(this.listener.isAtConnectionLimit()).isFalse();
	}

	@Test
	void defaultResumeLevelIsNinetyPercentOfTheLimit() {
		assertThat(settings(100, -1).effectiveResumeConnections()).isEqualTo(90);
		assertThat(settings(1, -1).effectiveResumeConnections()).isEqualTo(0);
		assertThat(settings(5, -1).effectiveResumeConnections()).isEqualTo(4);
		assertThat(ListenerSettings.DEFAULTS.effectiveResumeConnections()).isZero();
		assertThatIllegalArgumentException().isThrownBy(() -> settings(5, 5)).withMessageContaining("resumeConnections");
		assertThatIllegalArgumentException().isThrownBy(() -> settings(-1, -1)).withMessageContaining("maxConnections");
	}

	private static ListenerSettings settings(int max, int resume) {
		return new ListenerSettings(16, Duration.ofMillis(50), Duration.ofSeconds(1), Duration.ofSeconds(30), max, resume,
				LimitAction.PAUSE);
	}

	private void record(ConnListener listener, SocketChannel channel, SocketAddress remote) {
		this.accepted.add(channel);
	}

	private List<SocketChannel> take(int count) throws InterruptedException {
		List<SocketChannel> taken = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			SocketChannel channel = this.accepted.poll(10, TimeUnit.SECONDS);
			assertThat(channel).as("accepted connection %d of %d", i + 1, count).isNotNull();
			taken.add(channel);
		}
		return taken;
	}

	private void closeReported(SocketChannel channel) throws Exception {
		channel.close();
		this.listener.connectionClosed();
	}

}
