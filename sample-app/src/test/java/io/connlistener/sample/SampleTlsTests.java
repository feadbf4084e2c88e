package io.connlistener.sample;

import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.connlistener.boot.test.LocalConnListenerPort;
import io.connlistener.testsupport.OpensslClient;
import io.connlistener.testsupport.TestCertificates;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;
import org.springframework.test.context.ActiveProfiles;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app with its {@code tls} profile, on the certificates the commands of
 * {@code docs/TLS.md} make: {@code openssl s_client} echoes through it, and Actuator, over
 * real HTTP, shows the listener's bundle, protocols and certificate expiry, health stays UP
 * with the expiry in its details, and the handshake is timed by outcome and protocol.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "conn-listener.listeners.echo.port=0", "conn-listener.listeners.commands.port=0", "conn-listener.listeners.echo.address=127.0.0.1" })
@ActiveProfiles("tls")
@Timeout(60)
class SampleTlsTests {

	private static final String HANDSHAKES = "conn_listener_tls_handshake_seconds_count{listener=\"echo\","
			+ "outcome=\"%s\",protocol=\"%s\"}";

	@LocalServerPort
	private int httpPort;

	@LocalConnListenerPort("echo")
	private int echoPort;

	private Actuator actuator;

	@BeforeAll
	static void needsOpenssl() {
		Assumptions.assumeTrue(TestCertificates.opensslAvailable(), "openssl is not on PATH (.ci/run installs it)");
	}

	@DynamicPropertySource
	static void certificates(DynamicPropertyRegistry registry) {
		registry.add("sample.tls.directory", () -> TestCertificates.shared().directory().toString());
	}

	@BeforeEach
	void setUp() {
		this.actuator = new Actuator(this.httpPort);
	}

	@Test
	void opensslClientEchoesWithTheCertificateOfTheProfilesBundle() {
		TestCertificates certificates = TestCertificates.shared();
		double before = Math.max(0, this.actuator.scrape(HANDSHAKES.formatted("success", "TLSv1.3")));
		long completed = handshakes();
		try (OpensslClient client = OpensslClient.connect(this.echoPort, "-CAfile",
				certificates.file("ca.pem").toString(), "-verify_return_error")) {
			client.awaitHandshake();
			assertThat(client.valueOf("Peer certificate: ")).isEqualTo("CN = connlistener test server");
			client.sendLine("hello over TLS").expectLine("hello over TLS");
			assertThat(client.quit()).isZero();
		}
		// The server's side of the handshake may end after the client's.
		await().atMost(Duration.ofSeconds(10))
			.until(() -> this.actuator.scrape(HANDSHAKES.formatted("success", "TLSv1.3")) == before + 1);
		assertThat(this.actuator.scrape(HANDSHAKES.formatted("failed", "none"))).isZero();
		assertThat(handshakes()).isEqualTo(completed + 1);
		String scrape = this.actuator.get("/prometheus").body();
		assertThat(scrape).contains("conn_listener_tls_handshake_seconds_sum{listener=\"echo\"")
			.doesNotContain("127.0.0.1");
	}

	@Test
	void endpointShowsTheBundleItsProtocolsAndTheCertificatesExpiry() {
		String notAfter = TestCertificates.shared().certificate("server").getNotAfter().toInstant().toString();
		HttpResponse<String> response = this.actuator.get("/connlisteners/echo");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).contains("\"tls\":{\"bundle\":\"echo\",\"serverNameBundles\":{},"
				+ "\"clientAuth\":\"none\",\"applicationProtocols\":[],\"handshakeTimeoutMillis\":10000,"
				+ "\"clientHelloMaxSize\":16384,\"bundles\":{\"echo\":{\"protocols\":[\"TLSv1.3\",\"TLSv1.2\"],"
				+ "\"subject\":\"CN=connlistener test server\",\"serialNumber\":\"03E9\",\"notAfter\":\"" + notAfter
				+ "\"}},\"handshakes\":")
			.contains("\"tls-handshake-failed\":")
			.doesNotContain("PRIVATE KEY");
	}

	@Test
	void healthIsUpAndShowsTheCertificatesExpiry() {
		String notAfter = TestCertificates.shared().certificate("server").getNotAfter().toInstant().toString();
		HttpResponse<String> response = this.actuator.get("/health/connListeners/echo");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.body()).endsWith(",\"status\":\"UP\"}")
			.contains("\"certificates\":{\"echo\":{\"subject\":\"CN=connlistener test server\","
					+ "\"serialNumber\":\"03E9\",\"notAfter\":\"" + notAfter + "\"}}");
	}

	private long handshakes() {
		String echo = this.actuator.get("/connlisteners/echo").body();
		Matcher matcher = Pattern.compile("\"handshakes\":(\\d+)").matcher(echo);
		assertThat(matcher.find()).as("handshakes in %s", echo).isTrue();
		return Long.parseLong(matcher.group(1));
	}

}
