package io.connlistener.boot.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.security.cert.X509Certificate;
import javax.net.ssl.SSLPeerUnverifiedException;

import io.connlistener.boot.handler.BlockingConnection;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.testsupport.TestCertificates;
import io.connlistener.tls.TlsInfo;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Two TLS listeners configured in YAML as the README shows it, from PEM bundles made of the
 * test certificates: {@code gateway} (bundle {@code server}, {@code server2} for SNI host
 * {@code b.example.test}, ALPN {@code echo/1} and {@code h2}) with a buffered echo, and
 * {@code mutual} ({@code client-auth: need}) with a blocking handler that first says what it
 * sees of the TLS session, then echoes lines.
 */
public final class TlsListeners {

	private TlsListeners() {
	}

	/**
	 * Return the YAML of the two listeners and their bundles.
	 * @param certificates where the PEM files are
	 * @return the YAML
	 */
	public static String yaml(TestCertificates certificates) {
		return bundles(certificates) + """
				conn-listener:
				  io-threads: 1
				  defaults:
				    address: 127.0.0.1
				  listeners:
				    gateway:
				      port: 0
				      tls:
				        bundle: server
				        server-name-bundles:
				          - {server-name: b.example.test, bundle: server2}
				        application-protocols: [echo/1, h2]
				    mutual:
				      port: 0
				      tls:
				        bundle: server
				        client-auth: need
				""";
	}

	/**
	 * Return the YAML of the PEM bundles made of the test certificates: {@code server}
	 * (with the test CA as trust store, for client certificates) and {@code server2}.
	 * @param certificates where the PEM files are
	 * @return the YAML
	 */
	public static String bundles(TestCertificates certificates) {
		String certs = certificates.directory().toAbsolutePath().toString();
		return """
				spring:
				  ssl:
				    bundle:
				      pem:
				        server:
				          keystore:
				            certificate: "file:%1$s/server.pem"
				            private-key: "file:%1$s/server.key"
				          truststore:
				            certificate: "file:%1$s/ca.pem"
				        server2:
				          keystore:
				            certificate: "file:%1$s/server2.pem"
				            private-key: "file:%1$s/server2.key"
				""".formatted(certs);
	}

	/**
	 * Describe what a handler sees of a TLS session, as the blocking handler's first line.
	 * @param tls the session, or {@code null}
	 * @return {@code peer=<subject> protocol=<protocol> sni=<host> alpn=<protocol>}
	 */
	public static String describe(TlsInfo tls) {
		if (tls == null) {
			return "plain";
		}
		String peer;
		try {
			peer = ((X509Certificate) tls.session().getPeerCertificates()[0]).getSubjectX500Principal().getName();
		}
		catch (SSLPeerUnverifiedException ex) {
			peer = "none";
		}
		return "peer=" + peer + " protocol=" + tls.session().getProtocol() + " sni=" + tls.serverName() + " alpn="
				+ tls.applicationProtocol();
	}

	/**
	 * The handlers of the two listeners.
	 */
	@Configuration(proxyBeanMethods = false)
	public static class Handlers {

		@Bean
		@ConnectionHandler("gateway")
		BufferedHandler gatewayHandler() {
			return TestHandlers.bufferedEcho();
		}

		@Bean
		@ConnectionHandler("mutual")
		BlockingConnectionHandler mutualHandler() {
			return TlsListeners::greetAndEcho;
		}

	}

	private static void greetAndEcho(BlockingConnection connection) throws IOException {
		OutputStream output = connection.outputStream();
		output.write((describe(connection.tls()) + "\n").getBytes(StandardCharsets.UTF_8));
		BufferedReader reader = new BufferedReader(
				new InputStreamReader(connection.inputStream(), StandardCharsets.UTF_8));
		String line;
		while ((line = reader.readLine()) != null) {
			if (line.equals("bye")) {
				return;
			}
			output.write((line + "\n").getBytes(StandardCharsets.UTF_8));
		}
	}

}
