package io.connlistener.benchmarks;

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
	void nameRoundTrips() {
		for (String name : HarnessOptions.DEFAULT_SCENARIOS) {
			assertThat(Scenario.parse(name).name()).isEqualTo(name);
		}
		assertThat(Scenario.parse("echo-100x4k").describe()).isEqualTo("echo 100 × 4 KiB");
	}

	@Test
	void rejectsScenariosOutOfBounds() {
		assertThatIllegalArgumentException().isThrownBy(() -> Scenario.parse("echo-0x64"));
		assertThatIllegalArgumentException().isThrownBy(() -> Scenario.parse("echo-100"));
		assertThatIllegalArgumentException().isThrownBy(() -> Scenario.parse("flood-1x1"));
	}

}
