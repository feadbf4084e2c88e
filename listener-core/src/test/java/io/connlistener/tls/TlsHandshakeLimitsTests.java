package io.connlistener.tls;

import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLSocket;

import io.connlistener.AcceptCallback;
import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.ListenerOption;
import io.connlistener.ListenerStats;
import io.connlistener.RejectionReason;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.loop.EventLoop;
import io.connlistener.testsupport.Figures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the limits of a TLS handshake on real loopback sockets: the handshake timeout,
 * the cap on the ClientHello, and a listener that closes while handshakes are under way.
 * Every connection that does not complete its handshake is closed, counted under its
 * reason and never reaches a handler.
 */
@Timeout(30)
class TlsHandshakeLimitsTests {

	private static final Duration SHORT_TIMEOUT = Duration.ofMillis(300);

	private final BlockingQueue<TlsHandshake> handshakes = new LinkedBlockingQueue<>();

	private final List<Socket> clients = new ArrayList<>();

	private TlsServer server;

	@AfterEach
	void close() throws Exception {
		for (Socket client : this.clients) {
			client.close();
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void silentClientIsClosedAtTheHandshakeTimeoutAndCounted() throws Exception {
		this.server = TlsServer.start(
				TlsServer.settings().handshakeTimeout(SHORT_TIMEOUT).observer(this.handshakes::add).build());
		Socket client = connect();
		long start = System.nanoTime();
		assertThat(client.getInputStream().read()).isEqualTo(-1);
		long closedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(closedAfter).isGreaterThanOrEqualTo(SHORT_TIMEOUT.toMillis() - 10);
		assertThat(this.server.rejections(RejectionReason.TLS_HANDSHAKE_TIMEOUT)).isEqualTo(1);
		TlsHandshake handshake = this.handshakes.poll(10, TimeUnit.SECONDS);
		assertThat(handshake.outcome()).isEqualTo(TlsHandshakeOutcome.TIMEOUT);
		assertThat(handshake.protocol()).isNull();
		assertThat(this.server.opened).isEmpty();
		assertThat(this.server.listener.pendingConnections()).isZero();
		Figures.record("tls-silent-client", "closed %d ms after connecting, with a handshake timeout of %d ms",
				closedAfter, SHORT_TIMEOUT.toMillis());
	}

	@Test
	void clientThatStopsInTheMiddleOfItsClientHelloIsClosedAtTheHandshakeTimeout() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().handshakeTimeout(SHORT_TIMEOUT).build());
		Socket client = connect();
		// A record header and the start of a ClientHello, then nothing.
		client.getOutputStream().write(new byte[] { 22, 3, 1, 1, 0, 1, 0, 0, (byte) 252, 3, 3 });
		assertThat(client.getInputStream().read()).isEqualTo(-1);
		assertThat(this.server.rejections(RejectionReason.TLS_HANDSHAKE_TIMEOUT)).isEqualTo(1);
		assertThat(this.server.opened).isEmpty();
	}

	@Test
	void recordClaiming64KibIsClosedAtOnceWhileItTrickles() throws Exception {
		// The long timeout cannot be what closes it.
		this.server = TlsServer.start(TlsServer.settings().handshakeTimeout(Duration.ofSeconds(20))
			.observer(this.handshakes::add)
			.build());
		Socket client = connect();
		OutputStream out = client.getOutputStream();
		out.write(new byte[] { 22, 3, 1, (byte) 0xff, (byte) 0xff });
		long start = System.nanoTime();
		assertThat(closedByTheListener(client)).isTrue();
		long closedAfter = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(this.server.rejections(RejectionReason.TLS_CLIENT_HELLO_TOO_LARGE)).isEqualTo(1);
		assertThat(this.handshakes.poll(10, TimeUnit.SECONDS).outcome())
			.isEqualTo(TlsHandshakeOutcome.CLIENT_HELLO_TOO_LARGE);
		assertThat(this.server.opened).isEmpty();
		Figures.record("tls-client-hello-64k", "a record header claiming 64 KiB was closed %d ms after it was sent",
				closedAfter);
	}

	@Test
	void clientHelloClaimingMoreThanTheCapIsClosedAtOnce() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().handshakeTimeout(Duration.ofSeconds(20))
			.clientHelloMaxSize(1024)
			.build());
		Socket client = connect();
		// A 2000-byte record is within TLS's limits but past this listener's cap.
		client.getOutputStream().write(new byte[] { 22, 3, 1, 7, (byte) 208 });
		assertThat(closedByTheListener(client)).isTrue();
		assertThat(this.server.rejections(RejectionReason.TLS_CLIENT_HELLO_TOO_LARGE)).isEqualTo(1);
	}

	@Test
	void boundedNumberOfTricklingClientsHoldAtMostTheCapEachUntilTheTimeout() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().handshakeTimeout(Duration.ofSeconds(2)).build());
		// Each claims a ClientHello as large as the cap allows and sends all but its last byte.
		int helloLength = TlsSettings.DEFAULT_CLIENT_HELLO_MAX_SIZE - 9;
		byte[] record = new byte[TlsSettings.DEFAULT_CLIENT_HELLO_MAX_SIZE];
		record[0] = 22;
		record[1] = 3;
		record[2] = 1;
		record[3] = (byte) ((helloLength + 4) >>> 8);
		record[4] = (byte) (helloLength + 4);
		record[5] = 1;
		record[6] = (byte) (helloLength >>> 16);
		record[7] = (byte) (helloLength >>> 8);
		record[8] = (byte) helloLength;
		int clients = 20;
		for (int i = 0; i < clients; i++) {
			connect().getOutputStream().write(record, 0, record.length - 1);
		}
		await().until(() -> this.server.listener.pendingConnections() == clients);
		for (Socket client : this.clients) {
			assertThat(client.getInputStream().read()).isEqualTo(-1);
		}
		assertThat(this.server.rejections(RejectionReason.TLS_HANDSHAKE_TIMEOUT)).isEqualTo(clients);
		assertThat(this.server.listener.pendingConnections()).isZero();
		assertThat(this.server.opened).isEmpty();
	}

	@Test
	void listenerClosedDuringHandshakesAbandonsThemAndGivesTheirPlacesBack() throws Exception {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch taskStarted = new CountDownLatch(1);
		Executor held = (task) -> new Thread(() -> {
			taskStarted.countDown();
			try {
				release.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
			task.run();
		}).start();
		this.server = TlsServer.start(TlsServer.settings().taskExecutor(held).observer(this.handshakes::add).build(),
				TlsServer.echo(), BufferedConnectionSettings.DEFAULTS, (builder) -> {
				});
		// One silent, one whose engine task is held off the loop.
		Socket silent = connect();
		SSLSocket handshaking = this.server.connect();
		this.clients.add(handshaking);
		Thread handshake = new Thread(() -> {
			try {
				handshaking.startHandshake();
			}
			catch (Exception ex) {
				// The listener closed it.
			}
		});
		handshake.start();
		assertThat(taskStarted.await(10, TimeUnit.SECONDS)).isTrue();
		await().until(() -> this.server.listener.pendingConnections() == 2);
		this.server.listener.close();
		assertThat(silent.getInputStream().read()).isEqualTo(-1);
		release.countDown();
		handshake.join(10_000);
		assertThat(this.server.listener.pendingConnections()).isZero();
		assertThat(this.server.listener.connectionCounts().open()).isZero();
		assertThat(this.server.listener.stats().rejectionsByReason().values()).containsOnly(0L);
		assertThat(this.handshakes).isEmpty();
		assertThat(this.server.opened).isEmpty();
		await().until(() -> this.server.loop.registeredChannels() == 0);
	}

	@Test
	void failedHandshakesAreCountedByReasonAndNeverReachARawCallback() throws Exception {
		BlockingQueue<AcceptedConnection> accepted = new LinkedBlockingQueue<>();
		AcceptCallback raw = new AcceptCallback() {

			@Override
			public void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
				throw new UnsupportedOperationException();
			}

			@Override
			public void onAccept(ConnListener listener, AcceptedConnection connection) {
				accepted.add(connection);
			}

		};
		EventLoop loop = new EventLoop("tls-raw-rejections");
		ConnListener listener = ConnListener.builder(loop)
			.callback(raw)
			.tls(TlsServer.settings().handshakeTimeout(Duration.ofSeconds(2)).observer(this.handshakes::add).build())
			.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		try {
			Socket plainText = connect(listener.localAddress());
			plainText.getOutputStream().write("hello\n".getBytes(StandardCharsets.US_ASCII));
			Socket tooLarge = connect(listener.localAddress());
			tooLarge.getOutputStream().write(new byte[] { 22, 3, 1, (byte) 0xff, (byte) 0xff });
			Socket silent = connect(listener.localAddress());
			assertThat(plainText.getInputStream().read()).isEqualTo(-1);
			assertThat(closedByTheListener(tooLarge)).isTrue();
			assertThat(silent.getInputStream().read()).isEqualTo(-1);
			try (SSLSocket client = (SSLSocket) TlsServer.certificates.clientContext().getSocketFactory()
				.createSocket(InetAddress.getLoopbackAddress(), ((InetSocketAddress) listener.localAddress()).getPort())) {
				client.startHandshake();
				AcceptedConnection connection = accepted.poll(10, TimeUnit.SECONDS);
				assertThat(connection.isSecure()).isTrue();
				connection.tls().close();
			}
			List<TlsHandshakeOutcome> outcomes = new ArrayList<>();
			for (int i = 0; i < 4; i++) {
				outcomes.add(this.handshakes.poll(10, TimeUnit.SECONDS).outcome());
			}
			assertThat(outcomes).containsExactlyInAnyOrder(TlsHandshakeOutcome.FAILED,
					TlsHandshakeOutcome.CLIENT_HELLO_TOO_LARGE, TlsHandshakeOutcome.TIMEOUT, TlsHandshakeOutcome.SUCCESS);
			assertThat(accepted).isEmpty();
			ListenerStats stats = listener.stats();
			assertThat(stats.rejections(RejectionReason.TLS_HANDSHAKE_FAILED)).isEqualTo(1);
			assertThat(stats.rejections(RejectionReason.TLS_CLIENT_HELLO_TOO_LARGE)).isEqualTo(1);
			assertThat(stats.rejections(RejectionReason.TLS_HANDSHAKE_TIMEOUT)).isEqualTo(1);
			assertThat(stats.rejectionsByReason().values().stream().mapToLong(Long::longValue).sum()).isEqualTo(3);
			assertThat(stats.accepted()).isEqualTo(4);
			assertThat(listener.pendingConnections()).isZero();
		}
		finally {
			listener.close();
			loop.close();
		}
	}

	@Test
	void handshakeRunsAfterDeferredAccept() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().build(), TlsServer.echo(), BufferedConnectionSettings.DEFAULTS,
				(builder) -> builder.options(ListenerOption.DEFERRED_ACCEPT));
		try (SSLSocket client = this.server.connect()) {
			byte[] hello = "deferred".getBytes();
			assertThat(TlsServer.echo(client, hello)).isEqualTo(hello);
		}
	}

	private Socket connect() throws Exception {
		return connect(this.server.address());
	}

	private Socket connect(SocketAddress address) throws Exception {
		Socket client = new Socket();
		client.connect(address, 5000);
		client.setSoTimeout(10_000);
		this.clients.add(client);
		return client;
	}

	/**
	 * Send one byte more, as a trickling client would, and read until the listener closes.
	 * @return {@code true} once the connection is closed: a read sees its end, or its reset
	 */
	private static boolean closedByTheListener(Socket client) throws Exception {
		try {
			client.getOutputStream().write(0);
			return client.getInputStream().read() < 0;
		}
		catch (SocketException ex) {
			// The listener closed with the byte unread: a reset.
			return true;
		}
	}

}
