package io.connlistener.benchmarks;

import java.nio.file.Path;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link Sweep}: which values a full run sweeps, and how its rules pick one.
 */
class SweepTests {

	private static final double NAN = Double.NaN;

	@Test
	void fastestKeepsTheDefaultWithinTheNoise() {
		assertThat(Sweep.Rule.FASTEST.pick(new double[] { 1.04, 1.00, 0.90 }, 1)).isEqualTo(1);
	}

	@Test
	void fastestMovesTheDefaultForALeadBeyondTheNoise() {
		assertThat(Sweep.Rule.FASTEST.pick(new double[] { 1.19, 1.00, 1.06 }, 1)).isZero();
	}

	@Test
	void smallestFastEnoughTakesTheSmallestValueNearTheFastest() {
		assertThat(Sweep.Rule.SMALLEST_FAST_ENOUGH.pick(new double[] { 0.80, 0.99, 1.00, 1.02 }, 2)).isEqualTo(1);
		assertThat(Sweep.Rule.SMALLEST_FAST_ENOUGH.pick(new double[] { NAN, 0.90, 1.00 }, 2)).isEqualTo(2);
	}

	@Test
	void nothingMeasuredPicksNothing() {
		assertThat(Sweep.Rule.FASTEST.pick(new double[] { NAN, NAN }, 0)).isEqualTo(-1);
		assertThat(Sweep.Rule.SMALLEST_FAST_ENOUGH.pick(new double[] { NAN }, 0)).isEqualTo(-1);
	}

	@Test
	void everySweepHasItsDefaultAmongItsValues() {
		for (int processors : new int[] { 1, 2, 16 }) {
			List<Sweep> sweeps = Sweep.all(Path.of("app.jar"), processors);
			assertThat(sweeps).extracting(Sweep::name)
				.containsExactly("io-loops", "accepts-per-wakeup", "read-buffer-size", "write-watermarks");
			for (Sweep sweep : sweeps) {
				assertThat(sweep.variants()).contains(sweep.defaultVariant());
				assertThat(sweep.variants()).extracting((variant) -> variant.peer().name()).doesNotHaveDuplicates();
			}
		}
		assertThat(Sweep.all(Path.of("app.jar"), 16).get(0).variants()).extracting(Sweep.Variant::setting)
			.contains("io-threads=8, dedicated-acceptor-loop=false", "io-threads=16, dedicated-acceptor-loop=true");
	}

	@Test
	void aDefaultThatIsNoValueIsRefused() {
		Sweep.Variant only = Sweep.all(Path.of("app.jar"), 2).get(1).variants().get(0);
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new Sweep("x", "p", List.of(only), "elsewhere", List.of(), Sweep.Rule.FASTEST, null))
			.withMessage("Sweep 'x' has no variant for its default elsewhere");
	}

}
