package io.connlistener.benchmarks;

import static io.connlistener.benchmarks.BenchmarkReport.number;
import static io.connlistener.benchmarks.BenchmarkReport.ratio;

/**
 * Writes the part of {@code BENCHMARKS.md} that reads a run against issue 18's bar of
 * efficiency: the sample app's CPU time per operation at most Netty NIO's and at most
 * 1.05 × the JDK server's, in the echo and churn scenarios where a core each for the load
 * generator and the server makes throughputs tie. The bar is meant for a pinned run; an
 * unpinned one says so.
 */
final class CpuBarReport {

	private static final String[] SCENARIOS = { "echo-100x64", "churn-50x64" };

	private CpuBarReport() {
	}

	/**
	 * Append the section, if the run measured the sample app in one of the scenarios.
	 * @param md the report so far
	 * @param results the whole run's results
	 */
	static void append(StringBuilder md, BenchmarkResults results) {
		BarReport.Tally tally = new BarReport.Tally();
		boolean any = false;
		for (String name : SCENARIOS) {
			Scenario scenario = Scenario.parse(name);
			if (results.results(scenario, PeerDefinition.SAMPLE_APP).isEmpty()) {
				continue;
			}
			any = true;
			double netty = results.sameRoundRatio(scenario, PeerDefinition.SAMPLE_APP, PeerDefinition.NETTY_NIO,
					LoadResult::serverCpuMicrosPerOperation);
			double jdk = results.sameRoundRatio(scenario, PeerDefinition.SAMPLE_APP, PeerDefinition.JDK,
					LoadResult::serverCpuMicrosPerOperation);
			double own = results.median(scenario, PeerDefinition.SAMPLE_APP, LoadResult::serverCpuMicrosPerOperation);
			tally.row(scenario.describe() + ": CPU per op × netty-nio ≤ 1.00 (sample-app " + number(own, 2) + " ms/1k)",
					ratio(netty), netty, 1.00, false);
			tally.row(scenario.describe() + ": CPU per op × jdk ≤ 1.05", ratio(jdk), jdk, 1.05, false);
		}
		if (!any) {
			return;
		}
		boolean pinned = results.options().serverCpus() != null && results.options().clientCpus() != null
				&& results.problems().stream().noneMatch((problem) -> problem.startsWith("Ran unpinned"));
		md.append("\n## CPU per operation against the bar\n\n");
		md.append("Issue 18's bar: the sample app's CPU time per operation, as the median of same-round ratios, ")
			.append(pinned ? "in this pinned run: " : "meant for a run pinned with `--server-cpus` and `--client-cpus`; this one is "
					+ "not, so the scheduler's placement is in the figures: ")
			.append(tally.met()).append(" of ").append(tally.measured()).append(" lines met.\n\n");
		md.append("| bar | sample-app | met |\n|---|--:|---|\n").append(tally.rows());
	}

}
