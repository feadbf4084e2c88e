package io.connlistener.benchmarks;

import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Scenario}.
 */
class ScenarioTests {

	@Test
	void parsesEchoChurnAndIdle() {
		assertThat(Scenario.parse("echo-100x4k")).isEqualTo(new Scenario(Scenario.Kind.ECHO, 100, 4096));
		assertThat(Scenario.parse("churn-50x64")).isEqualTo(new Scenario(Scenario.Kind.CHURN, 50, 64));
		assertThat(Scenario.parse("idle-10000").connections()).isEqualTo(10_000);
	}

	@Test
	void parsesFloodAndStartup() {
		Scenario flood = Scenario.parse("flood-20000x64");
		assertThat(flood).isEqualTo(new Scenario(Scenario.Kind.FLOOD, 20_000, 64));
		assertThat(flood.closesEachCycle()).isTrue();
		assertThat(flood.describe()).isEqualTo("flood 20000 × 64 B");
		Scenario startup = Scenario.parse("startup-5");
		assertThat(startup.kind()).isEqualTo(Scenario.Kind.STARTUP);
		assertThat(startup.connections()).isEqualTo(5);
		assertThat(startup.name()).isEqualTo("startup-5");
		assertThat(startup.describe()).isEqualTo("startup 5 starts");
		assertThatIllegalArgumentException().isThrownBy(() -> Scenario.parse("startup-101"))
			.withMessage("Starts must be in [1, 100], not 101");
	}

	@Test
	void nameRoundTrips() {
		for (String name : HarnessOptions.DEFAULT_SCENARIOS) {
			assertThat(Scenario.parse(name).name()).isEqualTo(name);
		}
		assertThat(Scenario.parse("echo-100x4k").describe()).isEqualTo("echo 100 × 4 KiB");
	}

	@Test
	void parsesTlsEchoAndHandshake() {
		assertThat(Scenario.parse("tls-echo-100x4k")).isEqualTo(new Scenario(Scenario.Kind.ECHO, 100, 4096, true));
		assertThat(Scenario.parse("tls-handshake-50")).isEqualTo(new Scenario(Scenario.Kind.HANDSHAKE, 50, 64, true));
		assertThat(Scenario.parse("tls-handshake-50x1k")).isEqualTo(new Scenario(Scenario.Kind.HANDSHAKE, 50, 1024, true));
		assertThat(Scenario.parse("tls-handshake-50").closesEachCycle()).isTrue();
		assertThat(Scenario.parse("tls-echo-100x64").closesEachCycle()).isFalse();
		assertThat(Scenario.parse("echo-100x64").tls()).isFalse();
	}

	@Test
	void tlsNamesRoundTrip() {
		for (String name : List.of("tls-echo-100x64", "tls-echo-100x4k", "tls-handshake-50", "tls-handshake-8x4k")) {
			assertThat(Scenario.parse(name).name()).isEqualTo(name);
		}
		assertThat(Scenario.parse("tls-handshake-50").describe()).isEqualTo("TLS handshake 50 × 64 B");
		assertThat(Scenario.parse("tls-echo-100x4k").describe()).isEqualTo("TLS echo 100 × 4 KiB");
	}

	@Test
	void parsesFramedEchoForTheFramedPeers() {
		Scenario framed = Scenario.parse("framed-echo-100x64");
		assertThat(framed).isEqualTo(new Scenario(Scenario.Kind.FRAMED_ECHO, 100, 64));
		assertThat(framed.name()).isEqualTo("framed-echo-100x64");
		assertThat(framed.describe()).isEqualTo("framed echo 100 × 64 B");
		assertThat(framed.protocol()).isEqualTo(Protocol.FRAMED);
		assertThat(framed.closesEachCycle()).isFalse();
		assertThat(Scenario.parse("echo-100x64").protocol()).isEqualTo(Protocol.PLAIN);
		assertThat(Scenario.parse("tls-echo-100x64").protocol()).isEqualTo(Protocol.TLS);
		assertThatIllegalArgumentException().isThrownBy(() -> Scenario.parse("tls-framed-echo-100x64"));
		assertThatIllegalArgumentException().isThrownBy(() -> Scenario.parse("framed-echo-100x1"));
	}

	@Test
	void rejectsTlsKindsThatDoNotExist() {
		assertThatIllegalArgumentException().isThrownBy(() -> Scenario.parse("tls-churn-50x64"))
			.withMessage("TLS scenarios are tls-echo-NxS and tls-handshake-N, not tls-churn");
		assertThatIllegalArgumentException().isThrownBy(() -> Scenario.parse("tls-idle-100"));
		assertThatIllegalArgumentException().isThrownBy(() -> Scenario.parse("handshake-50"))
			.withMessage("TLS scenarios are tls-echo-NxS and tls-handshake-N, not handshake");
	}

	@Test
	void rejectsScenariosOutOfBounds() {
		assertThatIllegalArgumentException().isThrownBy(() -> Scenario.parse("echo-0x64"));
		assertThatIllegalArgumentException().isThrownBy(() -> Scenario.parse("echo-100"));
		assertThatIllegalArgumentException().isThrownBy(() -> Scenario.parse("storm-1x1"))
			.withMessageEndingWith("echo, churn, idle, tls-echo, tls-handshake, framed-echo, flood or startup");
	}

}
