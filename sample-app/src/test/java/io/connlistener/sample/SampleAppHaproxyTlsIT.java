package io.connlistener.sample;

import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.connlistener.boot.test.ConnListenerClient;
import io.connlistener.testsupport.Figures;
import io.connlistener.testsupport.TestCertificates;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HAProxy in front of the sample app jar run with its {@code tls} profile: clients speak
 * plain TCP to HAProxy, which speaks TLS to the app ({@code ssl verify required ca-file})
 * after a PROXY protocol v2 header ({@code send-proxy-v2}). The app requires the header,
 * reads it in clear before the handshake, and its handler sees the client's address and
 * plaintext. HAProxy checks the app's readiness over HTTP, so every handshake the app counts
 * is a client's.
 * <p>
 * Skipped, saying why, where {@code haproxy} or {@code openssl} is not installed;
 * {@code .ci/run} installs both.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(180)
class SampleAppHaproxyTlsIT {

	private static final String HANDSHAKES = "conn_listener_tls_handshake_seconds_count{listener=\"echo\","
			+ "outcome=\"%s\",protocol=\"%s\"}";

	@Test
	void haproxySendsTheProxyHeaderInClearThenSpeaksTlsToTheApp(@TempDir Path directory) throws Exception {
		Path executable = Haproxy.find();
		Assumptions.assumeTrue(executable != null, () -> "haproxy is not on PATH (.ci/run installs it with "
				+ "apt-get install haproxy; on a workstation: apt-get install haproxy)");
		TestCertificates certificates = TestCertificates.create(Files.createDirectory(directory.resolve("certs")));
		try (SampleAppProcess app = new SampleAppProcess(1024, "--spring.profiles.active=tls",
				"--sample.tls.directory=" + certificates.directory(),
				"--conn-listener.listeners.echo.proxy-protocol=required",
				"--conn-listener.listeners.echo.trusted-proxies=127.0.0.1/32",
				"--management.endpoint.health.probes.enabled=true",
				"--management.endpoints.web.exposure.include=health,connlisteners,prometheus,loggers");
				Haproxy haproxy = Haproxy.startTlsToServers(executable, directory, certificates.file("ca.pem"),
						new int[] { app.echoPort }, new int[] { app.httpPort })) {
			Actuator actuator = new Actuator(app.httpPort);
			await().atMost(Duration.ofSeconds(20)).until(() -> haproxy.status("a").equals("UP"));
			assertThat(actuator.scrape(HANDSHAKES.formatted("success", "TLSv1.3"))).isZero();

			// The handler logs each connection's address at DEBUG: on for this one connection.
			assertThat(actuator.post("/loggers/io.connlistener.sample", "{\"configuredLevel\": \"DEBUG\"}").statusCode())
				.isEqualTo(204);
			try (ConnListenerClient client = ConnListenerClient.connect(haproxy.port)) {
				client.sendLine("plain to haproxy, TLS to the app").expectLine("plain to haproxy, TLS to the app");
				String clientAddress = "Echo connection from /127.0.0.1:"
						+ ((InetSocketAddress) client.localAddress()).getPort();
				await().atMost(Duration.ofSeconds(10)).until(() -> app.logged(clientAddress));
				Figures.record("haproxy-tls-client-address", "behind HAProxy with ssl and send-proxy-v2, the echo "
						+ "handler logged '%s'", clientAddress);
			}
			actuator.post("/loggers/io.connlistener.sample", "{\"configuredLevel\": \"INFO\"}");

			await().atMost(Duration.ofSeconds(10))
				.until(() -> actuator.scrape(HANDSHAKES.formatted("success", "TLSv1.3")) == 1);
			assertThat(actuator.scrape(HANDSHAKES.formatted("failed", "none"))).isZero();
			String echo = actuator.get("/connlisteners/echo").body();
			assertThat(echo).contains("\"mode\":\"required\"")
				.contains("\"tls\":{\"bundle\":\"echo\"")
				.contains("\"tls-handshake-failed\":0")
				.contains("\"accepted\":1,");
			assertThat(haproxy.output()).doesNotContain("SSL handshake failure");
		}
	}

}
