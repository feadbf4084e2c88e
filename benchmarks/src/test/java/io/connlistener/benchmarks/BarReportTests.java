package io.connlistener.benchmarks;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link BarReport.Tally}: each line met or missed on the value itself, and a value
 * within rounding of its limit, but not at it, shown with a third decimal, so that a miss
 * never reads as the limit.
 */
class BarReportTests {

	@Test
	void aMissWithinRoundingOfTheLimitShowsItsThirdDecimal() {
		BarReport.Tally tally = new BarReport.Tally();
		tally.row("a ≥ 1.00", "1.00", 0.9993, 1.0, true);
		tally.row("b ≤ 1.00", "1.00", 0.9993, 1.0, false);
		tally.row("c ≥ 1.00", "0.93", 0.934, 1.0, true);
		tally.row("d ≤ 1.10", "n/a", Double.NaN, 1.10, false);
		tally.row("e ≤ 0", "0", 0, 0, false);
		assertThat(tally.rows().toString()).isEqualTo("""
				| a ≥ 1.00 | 1.00 (0.999) | **no** |
				| b ≤ 1.00 | 1.00 (0.999) | yes |
				| c ≥ 1.00 | 0.93 | **no** |
				| d ≤ 1.10 | n/a | not measured |
				| e ≤ 0 | 0 | yes |
				""");
		assertThat(tally.met()).isEqualTo(2);
		assertThat(tally.measured()).isEqualTo(4);
	}

}
