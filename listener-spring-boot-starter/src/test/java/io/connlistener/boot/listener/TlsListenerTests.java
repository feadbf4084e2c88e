package io.connlistener.boot.listener;

import java.io.ByteArrayOutputStream;
import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.util.Random;
import java.util.concurrent.CompletableFuture;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.connlistener.RejectionReason;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.testsupport.TlsListeners;
import io.connlistener.testsupport.OpensslClient;
import io.connlistener.testsupport.TestCertificates;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for TLS listeners configured in YAML with PEM SSL bundles, against real clients on
 * loopback: {@code openssl s_client} for what the issue names (the chain, SNI, ALPN, client
 * certificates), the JDK's {@link SSLSocket} for the blocking streams' bulk and close.
 */
@Timeout(90)
class TlsListenerTests {

	private TestCertificates certificates;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.certificates = TestCertificates.shared();
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, ConnListenerAutoConfiguration.class))
			.withInitializer(TlsListeners.withYaml(TlsListeners.yaml(this.certificates)))
			.withUserConfiguration(TlsListeners.Handlers.class);
	}

	@Test
	void echoesPlaintextOverTlsWithTheBundlesChain() {
		this.contextRunner.run((context) -> {
			try (OpensslClient client = OpensslClient.connect(port(context, "gateway"), "-CAfile", ca(),
					"-verify_return_error")) {
				client.awaitHandshake();
				assertThat(client.valueOf("Peer certificate: ")).isEqualTo("CN = connlistener test server");
				assertThat(client.valueOf("Verification: ")).isEqualTo("OK");
				assertThat(client.valueOf("Protocol version: ")).isEqualTo("TLSv1.3");
				client.sendLine("hello over TLS").expectLine("hello over TLS");
				client.sendLine("hello over TLS").expectLine("hello over TLS");
				assertThat(client.quit()).isZero();
			}
			assertThat(listener(context, "gateway").stats().rejectionsByReason()).allSatisfy(
					(reason, count) -> assertThat(count).as(reason.tag()).isZero());
		});
	}

	@Test
	void serverNameChoosesItsBundleAndAnyOtherTheListenersOwn() {
		this.contextRunner.run((context) -> {
			try (OpensslClient client = OpensslClient.connect(port(context, "gateway"), "-CAfile", ca(),
					"-verify_return_error", "-servername", "B.Example.Test")) {
				client.awaitHandshake();
				assertThat(client.valueOf("Peer certificate: ")).isEqualTo("CN = connlistener test server 2");
				client.sendLine("through SNI").expectLine("through SNI");
				assertThat(client.quit()).isZero();
			}
			try (OpensslClient client = OpensslClient.connect(port(context, "gateway"), "-CAfile", ca(),
					"-verify_return_error", "-servername", "a.example.test")) {
				client.awaitHandshake();
				assertThat(client.valueOf("Peer certificate: ")).isEqualTo("CN = connlistener test server");
				assertThat(client.quit()).isZero();
			}
		});
	}

	@Test
	void alpnNegotiatesAProtocolBothOfferAndFailsWithoutOne() {
		this.contextRunner.run((context) -> {
			try (OpensslClient client = OpensslClient.connectVerbose(port(context, "gateway"), "-CAfile", ca(),
					"-alpn", "spdy/1,h2")) {
				client.awaitHandshake();
				assertThat(client.valueOf("ALPN protocol: ")).isEqualTo("h2");
				assertThat(client.quit()).isZero();
			}
			try (OpensslClient client = OpensslClient.connect(port(context, "gateway"), "-CAfile", ca(), "-alpn",
					"spdy/1")) {
				assertThat(client.awaitExit()).isNotZero();
				assertThat(client.output()).contains("no application protocol");
			}
			ManagedConnListener gateway = listener(context, "gateway");
			await().until(() -> gateway.stats().rejections(RejectionReason.TLS_HANDSHAKE_FAILED) == 1);
		});
	}

	@Test
	void clientAuthNeedServesACertificateTheTrustStoreSignedAndTheHandlerSeesIt() {
		this.contextRunner.run((context) -> {
			try (OpensslClient client = OpensslClient.connect(port(context, "mutual"), "-CAfile", ca(), "-cert",
					this.certificates.file("client.pem").toString(), "-key",
					this.certificates.file("client.key").toString())) {
				client.awaitHandshake();
				client.expectLine("peer=CN=connlistener test client protocol=TLSv1.3 sni=null alpn=null");
				client.sendLine("mutual").expectLine("mutual");
				client.sendLine("bye");
				// The handler returned: s_client ends cleanly on a close_notify, on a bare FIN with "unexpected eof".
				assertThat(client.awaitExit()).isZero();
				assertThat(client.output()).doesNotContain("unexpected eof");
			}
		});
	}

	@Test
	void clientAuthNeedRefusesClientsWithoutATrustedCertificateBeforeTheHandler() {
		this.contextRunner.run((context) -> {
			ManagedConnListener mutual = listener(context, "mutual");
			try (OpensslClient client = OpensslClient.connect(port(context, "mutual"), "-CAfile", ca())) {
				assertThat(client.awaitExit()).isNotZero();
				// The JDK's server answers a client without certificate with bad_certificate.
				assertThat(client.output()).contains("alert bad certificate");
			}
			await().until(() -> mutual.stats().rejections(RejectionReason.TLS_HANDSHAKE_FAILED) == 1);
			try (OpensslClient client = OpensslClient.connect(port(context, "mutual"), "-CAfile", ca(), "-cert",
					this.certificates.file("untrusted-client.pem").toString(), "-key",
					this.certificates.file("untrusted-client.key").toString())) {
				assertThat(client.awaitExit()).isNotZero();
				assertThat(client.printed("peer=")).as("the handler saw the connection").isFalse();
			}
			await().until(() -> mutual.stats().rejections(RejectionReason.TLS_HANDSHAKE_FAILED) == 2);
			assertThat(mutual.stats().accepted()).isEqualTo(2);
			assertThat(mutual.activeConnections()).isZero();
		});
	}

	@Test
	void blockingStreamsCarryAMebibyteBothWays() {
		this.contextRunner.run((context) -> {
			byte[] lines = lines(1024 * 1024);
			try (SSLSocket socket = connect(context, "mutual", this.certificates.context("client"))) {
				InputStream input = socket.getInputStream();
				assertThat(readLine(input)).startsWith("peer=CN=connlistener test client ");
				CompletableFuture<Void> sent = CompletableFuture.runAsync(() -> write(socket, lines));
				assertThat(input.readNBytes(lines.length)).isEqualTo(lines);
				sent.join();
				write(socket, "bye\n".getBytes(StandardCharsets.US_ASCII));
				assertThat(input.read()).as("end of stream once the handler returned").isEqualTo(-1);
			}
		});
	}

	private static byte[] lines(int size) {
		ByteArrayOutputStream out = new ByteArrayOutputStream(size);
		Random random = new Random(15);
		while (out.size() < size - 80) {
			int length = 1 + random.nextInt(70);
			for (int i = 0; i < length; i++) {
				out.write('a' + random.nextInt(26));
			}
			out.write('\n');
		}
		return out.toByteArray();
	}

	private static String readLine(InputStream input) throws IOException {
		StringBuilder line = new StringBuilder();
		int read;
		while ((read = input.read()) != -1 && read != '\n') {
			line.append((char) read);
		}
		return line.toString();
	}

	private static void write(SSLSocket socket, byte[] bytes) {
		try {
			OutputStream output = socket.getOutputStream();
			output.write(bytes);
			output.flush();
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static SSLSocket connect(ApplicationContext context, String name, SSLContext sslContext)
			throws IOException {
		SSLSocket socket = (SSLSocket) sslContext.getSocketFactory().createSocket("127.0.0.1", port(context, name));
		socket.setSoTimeout(20_000);
		socket.startHandshake();
		return socket;
	}

	private String ca() {
		return this.certificates.file("ca.pem").toString();
	}

	static ManagedConnListener listener(ApplicationContext context, String name) {
		return context.getBean(ConnListenerRegistry.class).get(name);
	}

	static int port(ApplicationContext context, String name) {
		return ((InetSocketAddress) listener(context, name).localAddress()).getPort();
	}

}
