package io.connlistener.benchmarks;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the TLS peers as the harness starts them: each one a child JVM on loopback with
 * its command line and the run's certificate, one handshake and one echo by the load
 * generator's client, which trusts that certificate alone, then stopped. The sample app's
 * peer runs the jar the reactor built before this module.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class TlsPeersTests {

	// Small and not pre-touched: four peers start one after the other on a shared machine.
	private static final List<String> JVM_FLAGS = List.of("-Xmx256m");

	@TempDir
	static Path folder;

	private static TlsMaterial material;

	private static TlsClient client;

	@BeforeAll
	static void makeCertificate() throws Exception {
		material = TlsMaterial.create(folder, TlsMaterial.KeyType.EC);
		client = new TlsClient(material, TlsClient.DEFAULT_PROTOCOL);
	}

	@AfterAll
	static void deleteCertificate() {
		material.close();
	}

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { PeerDefinition.NETTY_NIO_TLS, PeerDefinition.NETTY_NIO_TLS_OPENSSL,
			PeerDefinition.CONNLISTENER_TLS, PeerDefinition.SAMPLE_APP_TLS })
	void echoesOverTlsWithTheRunsCertificate(String name) throws Exception {
		PeerDefinition peer = PeerDefinition.all(new HarnessOptions().sampleAppJar())
			.stream()
			.filter((candidate) -> candidate.name().equals(name))
			.findFirst()
			.orElseThrow();
		assertThat(peer.unavailableReason()).as("why %s cannot run", name).isNull();
		List<String> command = peer.command(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				JVM_FLAGS, System.getProperty("java.class.path"), material.folder());
		try (PeerProcess process = PeerProcess.start(name, command, peer.application())) {
			int port = process.awaitReady(Harness.STARTUP_TIMEOUT);
			assertThat(client.probe(new InetSocketAddress("127.0.0.1", port), Duration.ofSeconds(10)))
				.isEqualTo("TLSv1.3 TLS_AES_128_GCM_SHA256");
		}
	}

}
