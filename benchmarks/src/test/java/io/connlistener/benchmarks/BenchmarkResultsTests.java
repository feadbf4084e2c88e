package io.connlistener.benchmarks;

import java.time.Duration;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link BenchmarkResults}: medians, same-round ratios and spread.
 */
class BenchmarkResultsTests {

	private final Scenario echo = Scenario.parse("echo-100x64");

	private final BenchmarkResults results = new BenchmarkResults(
			new HarnessOptions().rounds(3).window(Duration.ofSeconds(1)), MachineInfo.current());

	@Test
	void ratiosAreTakenWithinARoundThenTheMedianOverRounds() {
		// Round 2 is slow for both peers: its ratio is still 2.
		record(0, 100, 200);
		record(1, 10, 20);
		record(2, 100, 300);
		assertThat(this.results.sameRoundRatio(this.echo, "connlistener", PeerDefinition.NETTY_NIO)).isEqualTo(2.0);
		assertThat(this.results.median(this.echo, "connlistener", LoadResult::rate)).isEqualTo(200.0);
		assertThat(this.results.spread(this.echo, PeerDefinition.NETTY_NIO)).isCloseTo(0.9, within(1e-9));
	}

	@Test
	void aMissingRoundIsLeftOutOfTheRatios() {
		record(0, 100, 150);
		this.results.record(this.echo, "connlistener", 1, result(500));
		assertThat(this.results.sameRoundRatio(this.echo, "connlistener", PeerDefinition.NETTY_NIO)).isEqualTo(1.5);
		assertThat(this.results.sameRoundRatio(this.echo, "sample-app", PeerDefinition.NETTY_NIO)).isNaN();
	}

	@Test
	void medianOfAnEvenCountIsTheMeanOfTheMiddleTwo() {
		assertThat(BenchmarkResults.median(new double[] { 4, 1, 3, 2 })).isEqualTo(2.5);
		assertThat(BenchmarkResults.median(new double[0])).isNaN();
	}

	private void record(int round, long netty, long connlistener) {
		this.results.record(this.echo, PeerDefinition.NETTY_NIO, round, result(netty));
		this.results.record(this.echo, "connlistener", round, result(connlistener));
	}

	private static LoadResult result(long operations) {
		return new LoadResult(operations, 1.0, new Histogram(TimeUnit.SECONDS.toNanos(60), 3), 0, 0.5, 0.5, 1.0, 2.0);
	}

}
