package io.connlistener.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.List;

import io.connlistener.benchmarks.peers.ConnListenerTlsEchoPeer;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link HarnessOptions} and the peers they name: the TLS scenarios, peers and
 * options, and the command line each TLS peer is started with.
 */
class HarnessOptionsTests {

	private static final List<String> TLS_PEERS = List.of(PeerDefinition.NETTY_NIO_TLS,
			PeerDefinition.NETTY_NIO_TLS_OPENSSL, PeerDefinition.CONNLISTENER_TLS, PeerDefinition.SAMPLE_APP_TLS);

	@Test
	void parsesTheTlsScenariosPeersAndOptions() {
		HarnessOptions options = HarnessOptions.parse("--scenarios", "tls-echo-100x64,tls-handshake-50", "--peers",
				String.join(",", TLS_PEERS), "--tls-key", "rsa", "--tls-protocol", "TLSv1.2");
		assertThat(options.scenarios()).extracting(Scenario::name).containsExactly("tls-echo-100x64", "tls-handshake-50");
		assertThat(options.peers()).isEqualTo(TLS_PEERS);
		assertThat(options.tlsKey()).isEqualTo(TlsMaterial.KeyType.RSA);
		assertThat(options.tlsProtocol()).isEqualTo("TLSv1.2");
	}

	@Test
	void aDefaultRunHasTheTlsScenariosWithAnEcKeyAndTls13() {
		HarnessOptions options = new HarnessOptions();
		assertThat(options.scenarios()).extracting(Scenario::name)
			.contains("tls-echo-100x64", "tls-echo-100x4k", "tls-handshake-50");
		assertThat(options.tlsKey()).isEqualTo(TlsMaterial.KeyType.EC);
		assertThat(options.tlsProtocol()).isEqualTo("TLSv1.3");
	}

	@Test
	void rejectsUnknownTlsValues() {
		assertThatIllegalArgumentException().isThrownBy(() -> HarnessOptions.parse("--tls-key", "dsa"))
			.withMessage("TLS key must be ec or rsa, not dsa");
		assertThatIllegalArgumentException().isThrownBy(() -> HarnessOptions.parse("--tls-protocol", "TLSv1.1"))
			.withMessage("TLS protocol must be TLSv1.3 or TLSv1.2, not TLSv1.1");
	}

	@Test
	void tlsEchoRoundsLeaveTheirHandshakesOutOfTheWindow() {
		Duration asked = Duration.ofMillis(500);
		assertThat(Harness.roundWarmup(Scenario.parse("tls-echo-100x4k"), asked)).isEqualTo(Harness.TLS_ECHO_ROUND_WARMUP)
			.isGreaterThan(asked);
		assertThat(Harness.roundWarmup(Scenario.parse("tls-echo-100x64"), Duration.ofSeconds(3)))
			.isEqualTo(Duration.ofSeconds(3));
		assertThat(Harness.roundWarmup(Scenario.parse("tls-handshake-50"), asked)).isEqualTo(asked);
		assertThat(Harness.roundWarmup(Scenario.parse("echo-100x64"), asked)).isEqualTo(asked);
	}

	@Test
	void everyTlsPeerIsKnownAndServesTls() {
		List<PeerDefinition> all = PeerDefinition.all(Path.of("app.jar"));
		assertThat(all).filteredOn(PeerDefinition::tls).extracting(PeerDefinition::name).containsExactlyElementsOf(TLS_PEERS);
		assertThat(all).extracting(PeerDefinition::name).doesNotHaveDuplicates();
		assertThat(HarnessOptions.usage()).contains(TLS_PEERS).contains("tls-handshake-50", "--tls-key");
	}

	@Test
	void aTlsMainGetsTheCertificateFolderLast() {
		PeerDefinition netty = peer(PeerDefinition.NETTY_NIO_TLS_OPENSSL);
		assertThat(netty.command("java", List.of("-Xmx1g"), "cp", Path.of("/tmp/tls"))).containsExactly("java",
				"-Xmx1g", "-cp", "cp", "io.connlistener.benchmarks.peers.NettyEchoPeer", "nio", "openssl", "/tmp/tls");
		assertThat(peer(PeerDefinition.CONNLISTENER_TLS).command("java", List.of(), "cp", Path.of("/tmp/tls")))
			.containsExactly("java", "-cp", "cp", ConnListenerTlsEchoPeer.class.getName(), "/tmp/tls");
		assertThatIllegalArgumentException().isThrownBy(() -> netty.command("java", List.of(), "cp", null));
	}

	@Test
	void theTlsSampleAppGetsAPemBundleOfTheCertificateFiles() {
		List<String> command = peer(PeerDefinition.SAMPLE_APP_TLS).command("java", List.of("-Xmx1g"), "cp",
				Path.of("/tmp/tls"));
		assertThat(command).startsWith("java", "-Xmx1g", "-jar", Path.of("app.jar").toAbsolutePath().toString());
		assertThat(command).contains("--conn-listener.io-threads=1", "--conn-listener.listeners.echo.port=0",
				"--conn-listener.listeners.echo.tls.bundle=benchmark",
				"--spring.ssl.bundle.pem.benchmark.keystore.certificate=file:/tmp/tls/server-cert.pem",
				"--spring.ssl.bundle.pem.benchmark.keystore.private-key=file:/tmp/tls/server-key.pem");
	}

	@Test
	void byDefaultOnlyThePeersOfTheSelectedScenariosRun() {
		HarnessOptions tlsOnly = new HarnessOptions().scenarios(List.of(Scenario.parse("tls-handshake-50")))
			.sweeps(List.of());
		assertThat(new Harness(tlsOnly, (line) -> { }).selectedPeers()).extracting(PeerDefinition::name)
			.containsExactlyElementsOf(TLS_PEERS);
		HarnessOptions plainOnly = new HarnessOptions().scenarios(List.of(Scenario.parse("echo-1x64")))
			.sweeps(List.of());
		assertThat(new Harness(plainOnly, (line) -> { }).selectedPeers()).noneMatch(PeerDefinition::tls).hasSize(7);
		HarnessOptions framedOnly = new HarnessOptions().scenarios(List.of(Scenario.parse("framed-echo-100x64")))
			.sweeps(List.of());
		assertThat(new Harness(framedOnly, (line) -> { }).selectedPeers()).extracting(PeerDefinition::name)
			.containsExactly(PeerDefinition.NETTY_NIO_FRAMED, PeerDefinition.CONNLISTENER_FRAMED,
					PeerDefinition.SAMPLE_APP_FRAMED);
		HarnessOptions named = new HarnessOptions().scenarios(List.of(Scenario.parse("echo-1x64")))
			.sweeps(List.of())
			.peers(List.of(PeerDefinition.NETTY_NIO_TLS));
		assertThat(new Harness(named, (line) -> { }).selectedPeers()).extracting(PeerDefinition::name)
			.containsExactly(PeerDefinition.NETTY_NIO_TLS);
	}

	private static PeerDefinition peer(String name) {
		return PeerDefinition.all(Path.of("app.jar")).stream().filter((peer) -> peer.name().equals(name)).findFirst().get();
	}

}
