package io.connlistener.boot.listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.lang.System.Logger.Level;
import java.math.BigInteger;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardCopyOption;
import java.security.cert.X509Certificate;
import java.time.Duration;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.testsupport.CapturingAppender;
import io.connlistener.boot.testsupport.TlsEchoConfiguration;
import io.connlistener.testsupport.LogCapture;
import io.connlistener.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for a TLS listener whose PEM bundle has {@code reload-on-update: true}: Boot watches
 * the file, and when it is rewritten new handshakes take the new certificate while a
 * session that stays open keeps echoing on the old one; a rewrite that cannot be used keeps
 * the certificate that works, and says why once.
 */
@Timeout(90)
class TlsReloadTests {

	private static final BigInteger FIRST = BigInteger.valueOf(1001);

	private static final BigInteger SECOND = BigInteger.valueOf(1002);

	@RegisterExtension
	final LogCapture log = CapturingAppender.capture();

	@Test
	void rewrittenBundleServesNewHandshakesAndLeavesOpenSessionsAlone(@TempDir Path directory) throws Exception {
		TestCertificates certificates = TestCertificates.create(Files.createDirectory(directory.resolve("made")));
		// Key and chain in one file, replaced in one rename: Boot reloads once, never half-way.
		Path live = directory.resolve("gateway.pem");
		replace(live, pem(certificates, "server"));
		SSLContext client = certificates.clientContext();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, ConnListenerAutoConfiguration.class))
			.withUserConfiguration(TlsEchoConfiguration.class)
			.withPropertyValues("spring.ssl.bundle.watch.file.quiet-period=50ms",
					"spring.ssl.bundle.pem.gateway.reload-on-update=true",
					"spring.ssl.bundle.pem.gateway.keystore.certificate=file:" + live,
					"spring.ssl.bundle.pem.gateway.keystore.private-key=file:" + live, "conn-listener.io-threads=1",
					"conn-listener.listeners.gateway.port=0", "conn-listener.listeners.gateway.address=127.0.0.1",
					"conn-listener.listeners.gateway.tls.bundle=gateway")
			.run((context) -> {
				int port = TlsListenerTests.port(context, "gateway");
				try (Session open = Session.connect(client, port)) {
					assertThat(open.serial()).isEqualTo(FIRST);
					open.echo("before the reload");

					replace(live, pem(certificates, "server2"));
					await().atMost(Duration.ofSeconds(20)).until(() -> serialOfANewConnection(client, port), SECOND::equals);
					assertThat(this.log.awaitEntry(Level.INFO, "as reloaded").message())
						.contains("Listener 'gateway' serves new TLS handshakes with SSL bundle 'gateway' as reloaded")
						.contains("serial 03EA");
					open.echo("after the reload, on the session it started with");
					assertThat(open.serial()).isEqualTo(FIRST);

					replace(live, "-----BEGIN CERTIFICATE-----\nnot base64 at all\n-----END CERTIFICATE-----\n");
					assertThat(this.log.awaitEntry(Level.WARNING, "keeps serving").message())
						.startsWith("Listener 'gateway' keeps serving SSL bundle 'gateway' as it was before it was "
								+ "reloaded (certificate serial 03EA): SSL bundle 'gateway' cannot serve TLS: it cannot be "
								+ "loaded:");
					assertThat(serialOfANewConnection(client, port)).isEqualTo(SECOND);
					open.echo("after a reload that failed");

					// Events come in order: a second warning of that rewrite would come before this reload.
					replace(live, pem(certificates, "server"));
					await().atMost(Duration.ofSeconds(20)).until(() -> serialOfANewConnection(client, port), FIRST::equals);
					assertThat(this.log.entries(Level.WARNING, "keeps serving")).hasSize(1);
					assertThat(this.log.entries(Level.ERROR, "")).isEmpty();
					open.echo("still open");
				}
			});
	}

	private static String pem(TestCertificates certificates, String name) throws IOException {
		return Files.readString(certificates.file(name + ".key")) + Files.readString(certificates.file(name + ".pem"));
	}

	private static void replace(Path file, String content) throws IOException {
		Path written = Files.createTempFile(file.getParent(), "rewrite", ".tmp");
		Files.writeString(written, content);
		Files.move(written, file, StandardCopyOption.REPLACE_EXISTING, StandardCopyOption.ATOMIC_MOVE);
	}

	private static BigInteger serialOfANewConnection(SSLContext client, int port) throws IOException {
		try (Session session = Session.connect(client, port)) {
			session.echo("new");
			return session.serial();
		}
	}

	/**
	 * A TLS session of the JDK's client that echoes lines.
	 */
	private record Session(SSLSocket socket, BufferedReader reader, OutputStream output) implements AutoCloseable {

		static Session connect(SSLContext context, int port) throws IOException {
			SSLSocket socket = (SSLSocket) context.getSocketFactory().createSocket("127.0.0.1", port);
			socket.setSoTimeout(10_000);
			socket.startHandshake();
			return new Session(socket,
					new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)),
					socket.getOutputStream());
		}

		BigInteger serial() throws IOException {
			return ((X509Certificate) this.socket.getSession().getPeerCertificates()[0]).getSerialNumber();
		}

		void echo(String line) throws IOException {
			this.output.write((line + "\n").getBytes(StandardCharsets.UTF_8));
			this.output.flush();
			assertThat(this.reader.readLine()).isEqualTo(line);
		}

		@Override
		public void close() throws IOException {
			this.socket.close();
		}

	}

}
