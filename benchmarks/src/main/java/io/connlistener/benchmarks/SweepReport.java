package io.connlistener.benchmarks;

import java.util.Map;

import static io.connlistener.benchmarks.BenchmarkReport.number;
import static io.connlistener.benchmarks.BenchmarkReport.percent;
import static io.connlistener.benchmarks.BenchmarkReport.ratio;
import static io.connlistener.benchmarks.BenchmarkReport.seconds;

/**
 * Writes the part of {@code BENCHMARKS.md} that chooses defaults: per {@link Sweep}, every
 * value's figures against the default and Netty NIO, the value its rule picks, and whether
 * the default is that value.
 */
final class SweepReport {

	private SweepReport() {
	}

	/**
	 * Append the section for every sweep that ran.
	 * @param md the report so far
	 * @param results the whole run's results
	 */
	static void append(StringBuilder md, BenchmarkResults results) {
		if (results.sweeps().isEmpty()) {
			return;
		}
		HarnessOptions options = results.options();
		md.append("\n## Defaults chosen by measurement\n\n");
		md.append("Each sweep starts the sample app once per value of a default (the same jar and JVM flags, ")
			.append("`io-threads=1` unless the sweep sets it) and loads every value and Netty NIO in turn, in ")
			.append(results.options().sweepRounds()).append(" rounds × ").append(seconds(options.sweepWindow().toMillis()))
			.append(" rotated as above, after a ").append(seconds(options.sweepWarmup().toMillis()))
			.append(" warm-up. `× default` is the median of same-round ratios to the current default; `overall` is ")
			.append("its geometric mean over the sweep's scenarios, which the rule reads.\n");
		for (Map.Entry<Sweep, BenchmarkResults> entry : results.sweeps().entrySet()) {
			appendSweep(md, entry.getKey(), entry.getValue());
		}
	}

	private static void appendSweep(StringBuilder md, Sweep sweep, BenchmarkResults swept) {
		md.append("\n### ").append(sweep.name()).append(": `").append(sweep.property()).append("`\n\n");
		double[] relative = swept.relativeToDefault(sweep);
		int defaultIndex = sweep.variants().indexOf(sweep.defaultVariant());
		int picked = sweep.rule().pick(relative, defaultIndex);
		md.append("Rule: ").append(sweep.rule().description()).append(". ");
		if (picked < 0) {
			md.append("Not measured in this run.\n");
		}
		else if (picked == defaultIndex) {
			md.append("The figures pick `").append(sweep.defaultSetting()).append("`, the default.\n");
		}
		else {
			md.append("The figures pick `").append(sweep.variants().get(picked).setting()).append("` (")
				.append(ratio(relative[picked])).append("× the default); the default is `")
				.append(sweep.defaultSetting()).append("`.\n");
		}
		if (sweep.note() != null) {
			md.append('\n').append(sweep.note()).append('\n');
		}
		md.append("\n| value | scenario | ops/s | × default | × netty-nio | p99 µs | peer CPU | spread | errors |\n");
		md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|\n");
		String base = sweep.defaultVariant().peer().name();
		for (int i = 0; i < sweep.variants().size(); i++) {
			Sweep.Variant variant = sweep.variants().get(i);
			String name = variant.peer().name();
			String value = "`" + variant.setting() + "`" + ((i == defaultIndex) ? " (default)" : "");
			for (Scenario scenario : sweep.scenarios()) {
				if (swept.results(scenario, name).isEmpty()) {
					continue;
				}
				md.append("| ").append(value).append(" | ").append(scenario.describe()).append(" | ")
					.append(number(swept.median(scenario, name, LoadResult::rate), 0)).append(" | ")
					.append(ratio(swept.sameRoundRatio(scenario, name, base))).append(" | ")
					.append(ratio(swept.sameRoundRatio(scenario, name, PeerDefinition.NETTY_NIO))).append(" | ")
					.append(number(swept.median(scenario, name, (r) -> r.latencyMicros(99)), 1)).append(" | ")
					.append(percent(swept.median(scenario, name, LoadResult::serverCpuShare))).append(" | ")
					.append(percent(swept.spread(scenario, name))).append(" | ")
					.append(swept.results(scenario, name).stream().mapToLong(LoadResult::errors).sum()).append(" |\n");
			}
			md.append("| ").append(value).append(" | **overall** | | **").append(ratio(relative[i]))
				.append("** | | | | | |\n");
		}
		swept.skipped().forEach((name, reason) -> md.append("\nSkipped `").append(name).append("`: ").append(reason).append('\n'));
		swept.problems().forEach((problem) -> md.append("\nProblem: ").append(problem.lines().findFirst().orElse(problem)).append('\n'));
	}

}
