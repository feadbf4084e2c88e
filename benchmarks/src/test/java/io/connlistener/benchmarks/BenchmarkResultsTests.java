package io.connlistener.benchmarks;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.within;

/**
 * Tests for {@link BenchmarkResults}: medians, same-round ratios (of rates and of CPU time per
 * operation) and spread.
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
	void cpuPerOperationIsComparedWithinARoundToo() {
		// Same throughput, but connlistener spends 0.3 s of CPU where Netty spends 0.5 s, then 0.4 s to 0.5 s.
		this.results.record(this.echo, PeerDefinition.NETTY_NIO, 0, result(1000, 0.5));
		this.results.record(this.echo, "connlistener", 0, result(1000, 0.3));
		this.results.record(this.echo, PeerDefinition.NETTY_NIO, 1, result(2000, 1.0));
		this.results.record(this.echo, "connlistener", 1, result(2000, 0.8));
		assertThat(this.results.sameRoundRatio(this.echo, "connlistener", PeerDefinition.NETTY_NIO)).isEqualTo(1.0);
		assertThat(this.results.median(this.echo, "connlistener", LoadResult::serverCpuMicrosPerOperation))
			.isCloseTo(350.0, within(1e-9));
		assertThat(this.results.sameRoundRatio(this.echo, "connlistener", PeerDefinition.NETTY_NIO,
				LoadResult::serverCpuMicrosPerOperation)).isCloseTo(0.7, within(1e-9));
		StringBuilder row = new StringBuilder();
		BenchmarkReport.appendLoadRow(row, this.results, this.echo, "connlistener",
				List.of(PeerDefinition.NETTY_NIO), false, true);
		assertThat(row.toString()).contains(" | 350.00 | 0.70 | ");
		// The TLS and framed tables: the ratio beside the peer's CPU time per operation.
		StringBuilder perOperation = new StringBuilder();
		BenchmarkReport.appendLoadRow(perOperation, this.results, this.echo, "connlistener",
				List.of(PeerDefinition.NETTY_NIO), true, true);
		assertThat(perOperation.toString()).contains(" | 350.0 | 0.70 | ").doesNotContain("350.00");
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
		return result(operations, 1.0);
	}

	private static LoadResult result(long operations, double serverCpuSeconds) {
		return new LoadResult(operations, 1.0, new Histogram(TimeUnit.SECONDS.toNanos(60), 3), 0, 0.5, 0.5,
				serverCpuSeconds, 2.0);
	}

}
