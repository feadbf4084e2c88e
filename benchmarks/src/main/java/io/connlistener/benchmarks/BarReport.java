package io.connlistener.benchmarks;

import java.util.Locale;
import java.util.Map;

import static io.connlistener.benchmarks.BenchmarkReport.bytes;
import static io.connlistener.benchmarks.BenchmarkReport.number;
import static io.connlistener.benchmarks.BenchmarkReport.ratio;

/**
 * Writes the part of {@code BENCHMARKS.md} that reads a run against the bar issue 7 set for
 * the sample app: throughput against Netty NIO and the minimal JDK server, p99 latency at
 * 1000 connections, and memory per idle connection; each line met or missed.
 */
final class BarReport {

	private static final String[] ECHO_BARS = { "echo-100x64", "echo-1000x64", "echo-100x4k" };

	private BarReport() {
	}

	/**
	 * Append the section, if the run measured the sample app.
	 * @param md the report so far
	 * @param results the whole run's results
	 */
	static void append(StringBuilder md, BenchmarkResults results) {
		if (results.peers().stream().noneMatch((peer) -> peer.name().equals(PeerDefinition.SAMPLE_APP))) {
			return;
		}
		Tally tally = new Tally();
		for (String name : ECHO_BARS) {
			Scenario scenario = Scenario.parse(name);
			double netty = results.sameRoundRatio(scenario, PeerDefinition.SAMPLE_APP, PeerDefinition.NETTY_NIO);
			double jdk = results.sameRoundRatio(scenario, PeerDefinition.SAMPLE_APP, PeerDefinition.JDK);
			tally.row(scenario.describe() + ": × netty-nio ≥ 1.00", ratio(netty), netty, 1.00, true);
			tally.row(scenario.describe() + ": × jdk ≥ 0.95", ratio(jdk), jdk, 0.95, true);
		}
		Scenario churn = Scenario.parse("churn-50x64");
		double churnRatio = results.sameRoundRatio(churn, PeerDefinition.SAMPLE_APP, PeerDefinition.NETTY_NIO);
		tally.row(churn.describe() + ": × netty-nio ≥ 1.00", ratio(churnRatio), churnRatio, 1.00, true);
		Scenario thousand = Scenario.parse("echo-1000x64");
		double p99 = results.median(thousand, PeerDefinition.SAMPLE_APP, (r) -> r.latencyMicros(99));
		double nettyP99 = results.median(thousand, PeerDefinition.NETTY_NIO, (r) -> r.latencyMicros(99));
		tally.row("p99 at 1000 × 64 B ≤ netty-nio's (" + number(nettyP99, 0) + " µs)", number(p99, 0) + " µs", p99,
				nettyP99, false);
		for (Map.Entry<Scenario, Map<String, IdleResult>> idle : results.idles().entrySet()) {
			IdleResult mine = idle.getValue().get(PeerDefinition.SAMPLE_APP);
			IdleResult netty = idle.getValue().get(PeerDefinition.NETTY_NIO);
			double own = (mine != null) ? mine.heapPerConnection() + mine.residentPerConnection() : Double.NaN;
			double theirs = (netty != null) ? netty.heapPerConnection() + netty.residentPerConnection() : Double.NaN;
			tally.row(idle.getKey().describe() + ": heap + RSS per connection ≤ netty-nio's (" + bytes(theirs) + ")",
					bytes(own), own, theirs, false);
		}
		md.append("\n## Against the bar\n\n");
		md.append("Issue 7's bar for the sample app (Actuator and Prometheus on), from this run's same-round medians: ")
			.append(tally.met).append(" of ").append(tally.measured).append(" lines met. A miss within the spread of its rows ")
			.append("above is a tie on this machine, not a ranking.\n\n");
		md.append("| bar | sample-app | met |\n|---|--:|---|\n").append(tally.rows);
	}

	/**
	 * The lines of a bar, and how many were measured and met; the other bars of the report
	 * count theirs with it too.
	 */
	static final class Tally {

		private static final double NEAR_LIMIT = 0.005;

		private final StringBuilder rows = new StringBuilder();

		private int met;

		private int measured;

		/**
		 * Add a line.
		 * @param bar the bar in words
		 * @param shown the measured value as the report shows it
		 * @param value the measured value
		 * @param limit the bar's limit
		 * @param atLeast whether the value must be at least the limit, rather than at most
		 */
		void row(String bar, String shown, double value, double limit, boolean atLeast) {
			boolean known = !Double.isNaN(value) && !Double.isNaN(limit);
			boolean good = known && (atLeast ? value >= limit : value <= limit);
			// Within rounding of the limit, two decimals would show a miss as the limit itself.
			String exact = (known && value != limit && Math.abs(value - limit) < NEAR_LIMIT)
					? " (" + String.format(Locale.ROOT, "%.3f", value) + ")" : "";
			this.rows.append("| ").append(bar).append(" | ").append(shown).append(exact).append(" | ")
				.append(!known ? "not measured" : good ? "yes" : "**no**").append(" |\n");
			this.met += good ? 1 : 0;
			this.measured += known ? 1 : 0;
		}

		StringBuilder rows() {
			return this.rows;
		}

		int met() {
			return this.met;
		}

		int measured() {
			return this.measured;
		}

	}

}
