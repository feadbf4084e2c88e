package io.connlistener.benchmarks;

import java.util.List;
import java.util.Map;

import static io.connlistener.benchmarks.BenchmarkReport.number;
import static io.connlistener.benchmarks.BenchmarkReport.ratio;

/**
 * Writes the startup part of {@code BENCHMARKS.md}: how the starts are made, a table per
 * startup scenario of each application's time to its first echoed byte (median, max) and
 * CPU time by then, and issue 18's bar: the sample app at most 1.1 × the Reactor Netty
 * application, and AOT faster than not; for the record, the same held against each other
 * when both start on class data sharing archives.
 */
final class StartupReport {

	private StartupReport() {
	}

	/**
	 * Append the section, if the run measured a startup scenario.
	 * @param md the report so far
	 * @param results the whole run's results
	 */
	static void append(StringBuilder md, BenchmarkResults results) {
		if (results.startups().isEmpty()) {
			return;
		}
		md.append("\n## Startup\n\n");
		md.append("What an autoscaler waits for: the time from the spawn of a fresh JVM (the harness's `ProcessBuilder.start`) ")
			.append("to the first byte the application's echo listener sends back. The harness picks a free port, spawns the ")
			.append("application with it, and from the spawn on connects every ").append(StartupRun.POLL_MILLIS)
			.append(" ms until a connect succeeds and 64 bytes come back; then it stops the application (SIGTERM). ")
			.append("The applications start one at a time with nothing else of the harness running, each once unmeasured ")
			.append("first unless the run has no warm-up (the first start reads the jar from disk), in an order rotated ")
			.append("every round, with the peer JVM flags less `-XX:+AlwaysPreTouch` (pre-touching the heap costs every start ")
			.append("the same fixed time). `CPU s` is the CPU time the process had used by its first echo. The `-cds` ")
			.append("applications are readied once before the first start, unmeasured: the jar extracted and one training ")
			.append("start that writes the class data sharing archive.\n");
		for (Map.Entry<Scenario, Map<StartupPeer, List<StartupResult>>> entry : results.startups().entrySet()) {
			Scenario scenario = entry.getKey();
			md.append("\n### ").append(scenario.describe()).append("\n\n");
			md.append("| application | starts | median ms | max ms | × reactor-netty-app | CPU s (median) | failed |\n");
			md.append("|---|--:|--:|--:|--:|--:|--:|\n");
			double reference = results.startupMedian(scenario, StartupPeer.REACTOR_NETTY_APP, StartupResult::millis);
			for (Map.Entry<StartupPeer, List<StartupResult>> starts : entry.getValue().entrySet()) {
				String name = starts.getKey().name();
				double median = results.startupMedian(scenario, name, StartupResult::millis);
				md.append("| ").append(name).append(" | ").append(starts.getValue().size()).append(" | ")
					.append(number(median, 0)).append(" | ").append(number(results.startupMax(scenario, name), 0))
					.append(" | ").append(ratio(median / reference)).append(" | ")
					.append(number(results.startupMedian(scenario, name, StartupResult::cpuSeconds), 2)).append(" | ")
					.append(results.startupFailures(scenario, name)).append(" |\n");
			}
			md.append('\n');
			entry.getValue().keySet().forEach((peer) -> md.append("- `").append(peer.name()).append("`: ").append(peer.label())
				.append('\n'));
			appendBar(md, results, scenario, reference);
		}
	}

	private static void appendBar(StringBuilder md, BenchmarkResults results, Scenario scenario, double reference) {
		BarReport.Tally tally = new BarReport.Tally();
		double jvm = results.startupMedian(scenario, StartupPeer.SAMPLE_APP, StartupResult::millis);
		double aot = results.startupMedian(scenario, StartupPeer.SAMPLE_APP_AOT, StartupResult::millis);
		tally.row("sample-app × reactor-netty-app ≤ 1.10 (medians)", ratio(jvm / reference), jvm / reference, 1.10, false);
		tally.row("sample-app-aot × sample-app < 1.00 (medians)", ratio(aot / jvm), aot / jvm, Math.nextDown(1.0), false);
		double noWeb = results.startupMedian(scenario, StartupPeer.SAMPLE_APP_NO_WEB, StartupResult::millis);
		tally.row("for the record: sample-app-no-web × reactor-netty-app ≤ 1.10 (medians)", ratio(noWeb / reference),
				noWeb / reference, 1.10, false);
		double starter = results.startupMedian(scenario, StartupPeer.STARTER_ECHO_APP, StartupResult::millis);
		tally.row("for the record: starter-echo-app × reactor-netty-app ≤ 1.10 (medians)", ratio(starter / reference),
				starter / reference, 1.10, false);
		double cds = results.startupMedian(scenario, StartupPeer.SAMPLE_APP_CDS, StartupResult::millis);
		double cdsAot = results.startupMedian(scenario, StartupPeer.SAMPLE_APP_CDS_AOT, StartupResult::millis);
		double reactorCds = results.startupMedian(scenario, StartupPeer.REACTOR_NETTY_APP_CDS, StartupResult::millis);
		tally.row("for the record: sample-app-cds × reactor-netty-app-cds ≤ 1.10 (medians)", ratio(cds / reactorCds),
				cds / reactorCds, 1.10, false);
		tally.row("for the record: sample-app-cds-aot × reactor-netty-app-cds ≤ 1.10 (medians)",
				ratio(cdsAot / reactorCds), cdsAot / reactorCds, 1.10, false);
		md.append("\nIssue 18's bar for startup: ").append(tally.met()).append(" of ").append(tally.measured())
			.append(" lines met.\n\n");
		md.append("| bar | measured | met |\n|---|--:|---|\n").append(tally.rows());
	}

}
