package io.connlistener.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.ZoneOffset;
import java.time.format.DateTimeFormatter;
import java.util.List;
import java.util.Locale;
import java.util.Map;

/**
 * Writes {@link BenchmarkResults} as Markdown ({@code BENCHMARKS.md}): the machine, the
 * flags, a table of medians and same-round ratios per scenario, the {@link TlsReport TLS
 * scenarios}, memory per idle connection, and what to make of the noise; and, beside it,
 * {@link RatioChart the chart} of the plain scenarios.
 */
public final class BenchmarkReport {

	/** File name of the report. */
	public static final String REPORT = "BENCHMARKS.md";

	/** File name of the chart. */
	public static final String CHART = "benchmarks.svg";

	private static final DateTimeFormatter DATE = DateTimeFormatter.ofPattern("yyyy-MM-dd HH:mm 'UTC'")
		.withZone(ZoneOffset.UTC);

	private BenchmarkReport() {
	}

	/**
	 * Write the report and the chart.
	 * @param results the measurements
	 * @param folder where to write them
	 * @return the report's path
	 * @throws IOException if they cannot be written
	 */
	public static Path write(BenchmarkResults results, Path folder) throws IOException {
		Files.createDirectories(folder);
		Path report = folder.resolve(REPORT);
		Files.writeString(report, markdown(results), StandardCharsets.UTF_8);
		Files.writeString(folder.resolve(CHART), RatioChart.svg(results), StandardCharsets.UTF_8);
		return report;
	}

	/**
	 * Render the report.
	 * @param results the measurements
	 * @return Markdown
	 */
	public static String markdown(BenchmarkResults results) {
		StringBuilder md = new StringBuilder();
		HarnessOptions options = results.options();
		MachineInfo machine = results.machine();
		md.append("# Benchmarks\n\n");
		md.append("Echo servers on loopback, each a child JVM with the same flags, all running at once and loaded one at a time")
			.append(" by a NIO load generator in the harness JVM. Rerun with:\n\n```sh\n")
			.append("./mvnw -B -ntp -DskipTests package && java -jar benchmarks/target/benchmarks.jar")
			.append(options.arguments().isEmpty() ? "" : " " + String.join(" ", options.arguments()))
			.append("\n```\n\n");
		md.append("| | |\n|---|---|\n");
		md.append("| date | ").append(DATE.format(results.startedAt())).append(" (took ")
			.append((results.elapsed() != null) ? results.elapsed().toMinutes() + " min" : "?").append(") |\n");
		md.append("| machine | ").append(machine.processors()).append(" processors (`nproc`), ")
			.append(machine.cpuModel()).append(", ").append(machine.memory()).append(" |\n");
		md.append("| OS | ").append(machine.os()).append(" |\n");
		md.append("| JVM | ").append(machine.jvm()).append(" |\n");
		md.append("| peer JVM flags | `").append(String.join(" ", options.jvmFlags())).append("` |\n");
		List<String> harnessFlags = ManagementFactory.getRuntimeMXBean().getInputArguments();
		md.append("| harness JVM flags | ")
			.append(harnessFlags.isEmpty() ? "none (the JVM's defaults)" : "`" + String.join(" ", harnessFlags) + "`")
			.append(" |\n");
		md.append("| load | ").append(options.threads()).append(" NIO thread(s); warm-up ")
			.append(seconds(options.warmup().toMillis())).append(" per peer and scenario, then ")
			.append(options.rounds()).append(" rounds × ").append(seconds(options.window().toMillis()))
			.append(" per peer, order rotated each round (plus ")
			.append(seconds(options.roundWarmup().toMillis()))
			.append(" unmeasured while each round's connections open) |\n");
		md.append("| CPU pinning | ").append((results.pinning() != null) ? results.pinning() : "none").append(" |\n");
		if (options.ioThreads() > 0) {
			md.append("| I/O loops | ").append(options.ioThreads())
				.append(" (`--io-threads`): the Netty and connlistener peers serve on that many loops, the sample apps run ")
				.append("with `conn-listener.io-threads=").append(options.ioThreads()).append("`; the JDK peer keeps one |\n");
		}
		md.append("| load average (1, 5, 15 min) | ").append(results.loadAtStart()).append(" at start, ")
			.append(results.loadAtEnd()).append(" at end |\n");
		md.append("| background (other work) | ").append(number(results.busyBefore(), 2))
			.append(" cores busy in the ").append(seconds(options.backgroundSample().toMillis()))
			.append(" before the run, ").append(number(results.busyAfter(), 2))
			.append(" in the ").append(seconds(options.backgroundSample().toMillis())).append(" after, of ").append(machine.processors()).append(" |\n\n");
		md.append("Peers:\n\n");
		results.peers().forEach((peer) -> {
			md.append("- `").append(peer.name()).append("`: ").append(peer.label());
			String session = results.tlsSessions().get(peer.name());
			md.append((session != null) ? " (negotiated " + session + ")" : "").append('\n');
		});
		for (Map.Entry<String, String> skipped : results.skipped().entrySet()) {
			md.append("- skipped `").append(skipped.getKey()).append("`: ").append(skipped.getValue()).append('\n');
		}
		BarReport.append(md, results);
		if (results.loadScenarios().stream().anyMatch((scenario) -> scenario.protocol() == Protocol.PLAIN)) {
			appendLoads(md, results);
		}
		TlsReport.append(md, results);
		FramedReport.append(md, results);
		CpuBarReport.append(md, results);
		FloodReport.append(md, results);
		StartupReport.append(md, results);
		for (Map.Entry<Scenario, Map<String, IdleResult>> idle : results.idles().entrySet()) {
			md.append("\n## Memory: ").append(idle.getKey().describe()).append("\n\n");
			md.append("Each connection echoed one 64-byte message, then stayed open and silent. ")
				.append("Per connection above a baseline with no connections; both read after a full GC ")
				.append("(`jcmd PID GC.run`), RSS from `/proc/PID/status`, heap from `jcmd PID GC.heap_info`. ")
				.append(options.jvmFlags().contains("-XX:+AlwaysPreTouch")
						? "The heap is touched in full at startup (`-XX:+AlwaysPreTouch`), so the RSS column is memory outside "
								+ "the heap: direct buffers, native structures, malloc; it can be off by a few hundred bytes either "
								+ "way, as malloc reuses what startup freed. Heap plus RSS is the cost of a connection.\n\n"
						: "The heap is not pre-touched, so the RSS column holds heap pages newly touched as well.\n\n");
			md.append("| peer | open | failed | heap per conn | RSS per conn | heap baseline | RSS baseline |\n");
			md.append("|---|--:|--:|--:|--:|--:|--:|\n");
			for (Map.Entry<String, IdleResult> entry : idle.getValue().entrySet()) {
				IdleResult r = entry.getValue();
				md.append("| ").append(entry.getKey()).append(" | ").append(r.established()).append(" | ")
					.append(r.failed()).append(" | ").append(bytes(r.heapPerConnection())).append(" | ")
					.append(bytes(r.residentPerConnection())).append(" | ").append(mebibytes(r.baselineHeap()))
					.append(" | ").append(mebibytes(r.baselineResident())).append(" |\n");
			}
		}
		SweepReport.append(md, results);
		if (!results.loadScenarios().isEmpty()) {
			appendRounds(md, results);
		}
		md.append("\n## Noise\n\n");
		md.append("All peers run during the whole benchmark and only one is loaded at a time, so idle peers cost almost nothing; ")
			.append("the order of peers rotates every round and ratios are taken within a round, so that a slow patch of the ")
			.append("machine hits every peer alike and cancels out of the ratios better than out of the rates. ")
			.append("The load generator shares the machine with the peer: on a machine with few cores, a load generator ")
			.append("near 100 % of a core means the figures measure the pair, not the server alone. ")
			.append("A spread above 10 % or a load average above the number of processors means other work was running: ")
			.append("trust the ratios more than the rates, and rerun on a quiet machine before drawing fine conclusions.\n");
		if (!results.problems().isEmpty()) {
			md.append("\nProblems during the run:\n\n");
			results.problems().forEach((problem) -> md.append("- ").append(problem.lines().findFirst().orElse(problem)).append('\n'));
		}
		return md.toString();
	}

	private static void appendLoads(StringBuilder md, BenchmarkResults results) {
		MachineInfo machine = results.machine();
		md.append("\n## Throughput and latency\n\n");
		md.append("Medians over rounds. `× netty-nio` and `× jdk` are medians of same-round ratios of the rate. ")
			.append("Latency is per round trip (echo) or per connect-echo-close cycle (churn). ")
			.append("Spread is (max − min) / median of the rate over rounds. ")
			.append("CPU is a share of one core over the measured window, as `/proc` charges it to the harness process ")
			.append("(the load generator) and to the peer; `machine` is how many of the ")
			.append(machine.processors())
			.append(" cores the whole machine kept busy, kernel included: the loopback TCP work done in softirq ")
			.append("is charged to no process, so a machine near all its cores is saturated even when neither process is at 100 %. ")
			.append("`peer CPU ms/1k` is the peer's CPU time per 1,000 operations (milliseconds, the same number as µs per ")
			.append("operation) and `CPU × netty-nio` and `CPU × jdk` the medians of its same-round ratios: lower is cheaper, ")
			.append("and a peer that does the same work with less CPU shows there even when the throughputs tie.\n\n");
		md.append("| scenario | peer | ops/s | × netty-nio | × jdk | peer CPU ms/1k | CPU × netty-nio | CPU × jdk | p50 µs "
				+ "| p99 µs | p99.9 µs | spread | load gen CPU | peer CPU | machine | errors |\n");
		md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
		for (Scenario scenario : results.loadScenarios()) {
			if (scenario.protocol() != Protocol.PLAIN) {
				continue;
			}
			for (PeerDefinition peer : results.peers()) {
				String name = peer.name();
				if (results.results(scenario, name).isEmpty()) {
					continue;
				}
				appendLoadRow(md, results, scenario, name, List.of(PeerDefinition.NETTY_NIO, PeerDefinition.JDK), false,
						true);
			}
		}
		md.append("\n![Throughput relative to Netty NIO](").append(CHART).append(")\n");
	}

	/**
	 * Append one row of a table of loads: the median rate, its same-round ratios to each
	 * reference peer, latency, spread and CPU shares, then the machine and the errors; the
	 * peer's CPU time per operation and its same-round ratios to each reference peer's where
	 * asked: after the rate's ratios, or, with the columns of CPU time per operation, among
	 * them (the peer's, its ratios, the load generator's).
	 * @param md the report so far
	 * @param results the whole run's results
	 * @param scenario the scenario
	 * @param name the peer's name
	 * @param references the peers of the ratio columns
	 * @param perOperation whether to add the columns of CPU time per operation of the peer and
	 * of the load generator, after the CPU shares
	 * @param cpuRatios whether to add the same-round ratios of the peer's CPU time per
	 * operation (and, without {@code perOperation}, that time, per 1,000 operations)
	 */
	static void appendLoadRow(StringBuilder md, BenchmarkResults results, Scenario scenario, String name,
			List<String> references, boolean perOperation, boolean cpuRatios) {
		md.append("| ").append(scenario.describe()).append(" | ").append(name).append(" | ")
			.append(number(results.median(scenario, name, LoadResult::rate), 0)).append(" | ");
		for (String reference : references) {
			md.append(ratio(results.sameRoundRatio(scenario, name, reference))).append(" | ");
		}
		if (cpuRatios && !perOperation) {
			md.append(number(results.median(scenario, name, LoadResult::serverCpuMicrosPerOperation), 2)).append(" | ");
			appendCpuRatios(md, results, scenario, name, references);
		}
		md.append(number(results.median(scenario, name, (r) -> r.latencyMicros(50)), 1)).append(" | ")
			.append(number(results.median(scenario, name, (r) -> r.latencyMicros(99)), 1)).append(" | ")
			.append(number(results.median(scenario, name, (r) -> r.latencyMicros(99.9)), 1)).append(" | ")
			.append(percent(results.spread(scenario, name))).append(" | ")
			.append(percent(results.median(scenario, name, LoadResult::clientCpuShare))).append(" | ")
			.append(percent(results.median(scenario, name, LoadResult::serverCpuShare))).append(" | ");
		if (perOperation) {
			md.append(number(results.median(scenario, name, LoadResult::serverCpuMicrosPerOperation), 1)).append(" | ");
			if (cpuRatios) {
				appendCpuRatios(md, results, scenario, name, references);
			}
			md.append(number(results.median(scenario, name, LoadResult::clientCpuMicrosPerOperation), 1)).append(" | ");
		}
		md.append(number(results.median(scenario, name, LoadResult::machineBusyCores), 2)).append(" | ")
			.append(results.results(scenario, name).stream().mapToLong(LoadResult::errors).sum()).append(" |\n");
	}

	private static void appendCpuRatios(StringBuilder md, BenchmarkResults results, Scenario scenario, String name,
			List<String> references) {
		for (String reference : references) {
			md.append(ratio(results.sameRoundRatio(scenario, name, reference, LoadResult::serverCpuMicrosPerOperation)))
				.append(" | ");
		}
	}

	private static void appendRounds(StringBuilder md, BenchmarkResults results) {
		int rounds = results.rounds();
		md.append("\n## Every round\n\nOperations per second in each round, in the order the rounds ran.\n\n| scenario | peer |");
		for (int round = 1; round <= rounds; round++) {
			md.append(" ").append(round).append(" |");
		}
		md.append("\n|---|---|").append("--:|".repeat(rounds)).append('\n');
		for (Scenario scenario : results.loadScenarios()) {
			for (PeerDefinition peer : results.peers()) {
				LoadResult[] byRound = results.rounds(scenario, peer.name());
				if (byRound == null) {
					continue;
				}
				md.append("| ").append(scenario.describe()).append(" | ").append(peer.name()).append(" |");
				for (LoadResult result : byRound) {
					md.append(" ").append((result != null) ? number(result.rate(), 0) : "–").append(" |");
				}
				md.append('\n');
			}
		}
	}

	static String number(double value, int decimals) {
		return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,." + decimals + "f", value);
	}

	static String ratio(double value) {
		return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.2f", value);
	}

	static String percent(double value) {
		return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%.0f %%", 100 * value);
	}

	static String bytes(double value) {
		return Double.isNaN(value) ? "–" : String.format(Locale.ROOT, "%,.0f B", value);
	}

	private static String mebibytes(long value) {
		return (value < 0) ? "–" : String.format(Locale.ROOT, "%.1f MiB", value / (1024.0 * 1024.0));
	}

	static String seconds(long millis) {
		return (millis % 1000 == 0) ? (millis / 1000) + " s" : String.format(Locale.ROOT, "%.1f s", millis / 1000.0);
	}

}
