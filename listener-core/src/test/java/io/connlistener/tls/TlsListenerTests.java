package io.connlistener.tls;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import java.util.List;
import java.util.Random;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.Executors;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.logging.Logger;

import javax.net.ssl.SSLException;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLPeerUnverifiedException;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.SSLSocketFactory;

import io.connlistener.AcceptCallback;
import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.ConnListenerBuilder;
import io.connlistener.RejectionReason;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.loop.EventLoop;
import io.connlistener.proxy.ProxyHeaders;
import io.connlistener.proxy.ProxyProtocolMode;
import io.connlistener.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static io.connlistener.tls.TlsServer.certificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for a TLS listener with real JDK clients on loopback: buffered connections echo
 * plaintext over TLS 1.3 and 1.2, the SNI host name chooses the context, ALPN is
 * negotiated, client certificates are required when asked, and a connection that does not
 * complete its handshake is counted and never reaches a handler.
 */
@Timeout(30)
class TlsListenerTests {

	private static final byte[] HELLO = "hello over TLS\n".getBytes(StandardCharsets.US_ASCII);

	@RegisterExtension
	final LogCapture log = LogCapture.julLoggers("io.connlistener");

	private TlsServer server;

	private final BlockingQueue<TlsHandshake> handshakes = new LinkedBlockingQueue<>();

	@AfterEach
	void close() {
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void echoesOverTls13ByDefault() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().observer(this.handshakes::add).build());
		try (SSLSocket client = this.server.connect()) {
			assertThat(TlsServer.echo(client, HELLO)).isEqualTo(HELLO);
			assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.3");
			assertThat(client.getSession().getPeerCertificates()[0]).isEqualTo(certificates.certificate("server"));
			BufferedConnection connection = this.server.opened.poll(10, TimeUnit.SECONDS);
			assertThat(connection.tls().session().getProtocol()).isEqualTo("TLSv1.3");
			assertThat(connection.tls().serverName()).isEqualTo("localhost");
			assertThat(connection.tls().applicationProtocol()).isNull();
			assertThat(connection.remoteAddress()).isEqualTo(client.getLocalSocketAddress());
		}
		TlsHandshake handshake = this.handshakes.poll(10, TimeUnit.SECONDS);
		assertThat(handshake.outcome()).isEqualTo(TlsHandshakeOutcome.SUCCESS);
		assertThat(handshake.protocol()).isEqualTo("TLSv1.3");
		assertThat(handshake.duration()).isPositive();
		assertThat(this.server.listener.stats().rejectionsByReason().values()).containsOnly(0L);
	}

	@Test
	void echoesOverTls12() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().build());
		try (SSLSocket client = this.server.connect("TLSv1.2")) {
			byte[] large = new byte[200_000];
			new Random(7).nextBytes(large);
			assertThat(TlsServer.echo(client, large)).isEqualTo(large);
			assertThat(client.getSession().getProtocol()).isEqualTo("TLSv1.2");
		}
	}

	@Test
	void manyMessagesEchoInOrderOverOneConnection() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().build());
		try (SSLSocket client = this.server.connect()) {
			for (int i = 0; i < 200; i++) {
				byte[] message = ("message " + i + "\n").getBytes(StandardCharsets.US_ASCII);
				assertThat(TlsServer.echo(client, message)).isEqualTo(message);
			}
		}
	}

	@Test
	void serverNameChoosesTheContextOfTheHandshake() throws Exception {
		TlsServerContext first = TlsServerContext.of(certificates.context("server"));
		TlsServerContext second = TlsServerContext.of(certificates.context("server2"));
		BlockingQueue<String> asked = new LinkedBlockingQueue<>();
		TlsContexts contexts = (serverName) -> {
			asked.add(String.valueOf(serverName));
			return "b.example.test".equals(serverName) ? second : first;
		};
		this.server = TlsServer.start(TlsSettings.builder(contexts).build());
		try (SSLSocket client = this.server.connect(certificates.clientContext(), "b.example.test", List.of())) {
			assertThat(TlsServer.echo(client, HELLO)).isEqualTo(HELLO);
			X509Certificate chosen = (X509Certificate) client.getSession().getPeerCertificates()[0];
			assertThat(chosen.getSubjectX500Principal().getName()).isEqualTo("CN=connlistener test server 2");
			assertThat(chosen.getSerialNumber().intValue()).isEqualTo(1002);
			assertThat(this.server.opened.poll(10, TimeUnit.SECONDS).tls().serverName()).isEqualTo("b.example.test");
		}
		try (SSLSocket client = this.server.connect(certificates.clientContext(), "A.Example.Test", List.of())) {
			assertThat(TlsServer.echo(client, HELLO)).isEqualTo(HELLO);
			X509Certificate chosen = (X509Certificate) client.getSession().getPeerCertificates()[0];
			assertThat(chosen.getSubjectX500Principal().getName()).isEqualTo("CN=connlistener test server");
		}
		assertThat(asked).containsExactly("b.example.test", "a.example.test");
	}

	@Test
	void applicationProtocolIsNegotiated() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().applicationProtocols("echo/2", "echo/1").build());
		try (SSLSocket client = this.server.connect(certificates.clientContext(), "localhost",
				List.of("other", "echo/1"))) {
			assertThat(TlsServer.echo(client, HELLO)).isEqualTo(HELLO);
			assertThat(client.getApplicationProtocol()).isEqualTo("echo/1");
			assertThat(this.server.opened.poll(10, TimeUnit.SECONDS).tls().applicationProtocol()).isEqualTo("echo/1");
		}
	}

	@Test
	void applicationProtocolsWithoutOverlapFailTheHandshake() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().applicationProtocols("echo/1").observer(this.handshakes::add)
			.build());
		try (SSLSocket client = this.server.connect(certificates.clientContext(), "localhost", List.of("h2"))) {
			assertThatExceptionOfType(SSLException.class).isThrownBy(client::startHandshake);
		}
		await().until(() -> this.server.rejections(RejectionReason.TLS_HANDSHAKE_FAILED) == 1);
		assertThat(this.handshakes.poll(10, TimeUnit.SECONDS).outcome()).isEqualTo(TlsHandshakeOutcome.FAILED);
		assertThat(this.server.opened).isEmpty();
	}

	@Test
	void clientWithoutApplicationProtocolsGoesOnWithoutOne() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().applicationProtocols("echo/1").build());
		try (SSLSocket client = this.server.connect()) {
			assertThat(TlsServer.echo(client, HELLO)).isEqualTo(HELLO);
			assertThat(this.server.opened.poll(10, TimeUnit.SECONDS).tls().applicationProtocol()).isNull();
		}
	}

	@Test
	void clientAuthNeedFailsAClientWithoutCertificateAndCountsIt() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().clientAuth(ClientAuth.NEED).build());
		try (SSLSocket client = this.server.connect()) {
			// TLS 1.3 sends the client's (empty) certificate after the server's Finished: the
			// client learns of the refusal at its first read.
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> TlsServer.echo(client, HELLO));
		}
		await().until(() -> this.server.rejections(RejectionReason.TLS_HANDSHAKE_FAILED) == 1);
		assertThat(this.server.opened).isEmpty();
	}

	@Test
	void clientAuthNeedFailsAnUntrustedCertificate() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().clientAuth(ClientAuth.NEED).build());
		try (SSLSocket client = this.server.connect(certificates.context("untrusted-client"), "localhost",
				List.of())) {
			assertThatExceptionOfType(IOException.class).isThrownBy(() -> TlsServer.echo(client, HELLO));
		}
		await().until(() -> this.server.rejections(RejectionReason.TLS_HANDSHAKE_FAILED) == 1);
		assertThat(this.server.opened).isEmpty();
	}

	@Test
	void clientAuthNeedGivesTheHandlerTheClientsCertificate() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().clientAuth(ClientAuth.NEED).build());
		try (SSLSocket client = this.server.connect(certificates.context("client"), "localhost", List.of())) {
			assertThat(TlsServer.echo(client, HELLO)).isEqualTo(HELLO);
			BufferedConnection connection = this.server.opened.poll(10, TimeUnit.SECONDS);
			X509Certificate peer = (X509Certificate) connection.tls().session().getPeerCertificates()[0];
			assertThat(peer).isEqualTo(certificates.certificate("client"));
			assertThat(peer.getSubjectX500Principal().getName()).isEqualTo("CN=connlistener test client");
		}
	}

	@Test
	void clientAuthWantGoesOnWithoutCertificate() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().clientAuth(ClientAuth.WANT).build());
		try (SSLSocket client = this.server.connect()) {
			assertThat(TlsServer.echo(client, HELLO)).isEqualTo(HELLO);
			BufferedConnection connection = this.server.opened.poll(10, TimeUnit.SECONDS);
			assertThatExceptionOfType(SSLPeerUnverifiedException.class)
				.isThrownBy(() -> connection.tls().session().getPeerCertificates());
		}
	}

	@Test
	void plainTextToTheTlsPortIsRejectedAtOnceAndNeverReachesTheHandler() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().observer(this.handshakes::add).build());
		Logger logger = Logger.getLogger(ConnListener.class.getName());
		java.util.logging.Level level = logger.getLevel();
		logger.setLevel(java.util.logging.Level.FINE);
		try (Socket client = new Socket()) {
			client.connect(this.server.address(), 5000);
			client.setSoTimeout(10_000);
			client.getOutputStream().write("GET / HTTP/1.1\r\nHost: localhost\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
			InputStream in = client.getInputStream();
			assertThat(in.read()).isEqualTo(-1);
			assertThat(this.log.awaitEntry(System.Logger.Level.DEBUG, "(tls-handshake-failed)").message())
				.endsWith("the first byte is not that of a TLS handshake record");
		}
		finally {
			logger.setLevel(level);
		}
		assertThat(this.log.entries(System.Logger.Level.DEBUG, "closed the connection")).hasSize(1);
		assertThat(this.server.rejections(RejectionReason.TLS_HANDSHAKE_FAILED)).isEqualTo(1);
		assertThat(this.handshakes.poll(10, TimeUnit.SECONDS).outcome()).isEqualTo(TlsHandshakeOutcome.FAILED);
		assertThat(this.server.opened).isEmpty();
		assertThat(this.server.listener.stats().activeConnections()).isZero();
	}

	@Test
	void delegatedTasksRunOnTheGivenExecutor() throws Exception {
		AtomicInteger tasks = new AtomicInteger();
		ExecutorService pool = Executors.newSingleThreadExecutor();
		try {
			Executor counting = (task) -> {
				tasks.incrementAndGet();
				pool.execute(task);
			};
			this.server = TlsServer.start(TlsServer.settings().taskExecutor(counting).clientAuth(ClientAuth.NEED)
				.build());
			try (SSLSocket client = this.server.connect(certificates.context("client"), "localhost", List.of())) {
				assertThat(TlsServer.echo(client, HELLO)).isEqualTo(HELLO);
			}
			assertThat(tasks.get()).isPositive();
		}
		finally {
			pool.shutdownNow();
		}
	}

	@Test
	void proxyHeaderInClearBeforeTheHandshakeGivesTheHandlerTheClientAddress() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().build(), TlsServer.echo(), BufferedConnectionSettings.DEFAULTS,
				(builder) -> builder.proxyProtocol(ProxyProtocolMode.REQUIRED).trustedProxies("127.0.0.0/8", "::1"));
		Socket proxy = new Socket();
		proxy.connect(this.server.address(), 5000);
		proxy.setSoTimeout(10_000);
		proxy.getOutputStream().write(ProxyHeaders.v2(ProxyHeaders.PROXY, ProxyHeaders.TCP4,
				ProxyHeaders.inet("203.0.113.7", "192.0.2.1", 51234, 443)));
		SSLSocketFactory factory = certificates.clientContext().getSocketFactory();
		try (SSLSocket client = (SSLSocket) factory.createSocket(proxy, "localhost", this.server.address().getPort(),
				true)) {
			SSLParameters parameters = client.getSSLParameters();
			parameters.setEndpointIdentificationAlgorithm("HTTPS");
			client.setSSLParameters(parameters);
			assertThat(TlsServer.echo(client, HELLO)).isEqualTo(HELLO);
			BufferedConnection connection = this.server.opened.poll(10, TimeUnit.SECONDS);
			assertThat(connection.remoteAddress()).isEqualTo(new InetSocketAddress("203.0.113.7", 51234));
			assertThat(connection.tls().session().getProtocol()).isEqualTo("TLSv1.3");
		}
	}

	@Test
	void callbackThatWouldGetTheEncryptedSocketIsRefused() throws Exception {
		EventLoop loop = new EventLoop("tls-refused");
		try {
			ConnListenerBuilder builder = ConnListener.builder(loop)
				.callback((listener, channel, remoteAddress) -> {
				})
				.tls(TlsServer.settings().build());
			assertThatIllegalArgumentException()
				.isThrownBy(() -> builder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0)))
				.withMessageContaining("implements only onAccept(ConnListener, SocketChannel, SocketAddress)")
				.withMessageContaining("AcceptedConnection.tls()");
		}
		finally {
			loop.close();
		}
	}

	@Test
	void rawCallbackReadsAndWritesTheTlsChannel() throws Exception {
		EventLoop loop = new EventLoop("tls-raw");
		BlockingQueue<AcceptedConnection> accepted = new LinkedBlockingQueue<>();
		AcceptCallback raw = TlsServer.raw(accepted);
		ConnListener listener = ConnListener.builder(loop).callback(raw).tls(TlsServer.settings().build())
			.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		SSLSocket client = (SSLSocket) certificates.clientContext().getSocketFactory().createSocket();
		try (client) {
			client.connect(listener.localAddress(), 5000);
			client.setSoTimeout(10_000);
			client.getOutputStream().write(HELLO);
			AcceptedConnection connection = accepted.poll(10, TimeUnit.SECONDS);
			assertThat(connection.isSecure()).isTrue();
			TlsChannel tls = connection.tls();
			assertThat(tls.socket()).isSameAs(connection.channel());
			assertThat(connection.channel().isBlocking()).isFalse();
			// Served by a selector of the test's own, as a raw callback would.
			try (Selector selector = Selector.open()) {
				connection.channel().register(selector, tls.interestOps());
				ByteBuffer received = ByteBuffer.allocate(HELLO.length);
				while (received.hasRemaining()) {
					if (!tls.hasBufferedInput()) {
						selector.select(5000);
						selector.selectedKeys().clear();
					}
					assertThat(tls.read(received)).isNotNegative();
				}
				assertThat(received.array()).isEqualTo(HELLO);
				ByteBuffer answer = ByteBuffer.wrap(HELLO);
				SelectionKey key = connection.channel().keyFor(selector);
				tls.write(answer);
				while (answer.hasRemaining() || !tls.flush()) {
					// Wait for what the channel says it needs, as a raw callback would, not spinning.
					key.interestOps(tls.interestOps());
					selector.select(5000);
					selector.selectedKeys().clear();
					tls.write(answer);
				}
			}
			assertThat(TlsServer.readFully(client.getInputStream(), HELLO.length)).isEqualTo(HELLO);
			tls.close();
			assertThat(tls.isOpen()).isFalse();
			assertThat(client.getInputStream().read()).isEqualTo(-1);
		}
		finally {
			listener.close();
			loop.close();
		}
	}

}
