package io.connlistener.benchmarks;

import java.util.List;
import java.util.Map;

import static io.connlistener.benchmarks.BenchmarkReport.ratio;

/**
 * Writes the framed part of {@code BENCHMARKS.md}: a table of medians with same-round ratios
 * to Netty's line decoder, issue 16's bar (ours at least as fast as that Netty peer on each
 * framed scenario), and what framing costs: each framed peer's rate over the rate of its raw
 * counterpart on the echo of the same shape, when the run measured both.
 */
final class FramedReport {

	/** Our framed peers, which the bar is about. */
	static final List<String> OURS = List.of(PeerDefinition.CONNLISTENER_FRAMED, PeerDefinition.SAMPLE_APP_FRAMED);

	/** Each framed peer's counterpart that echoes bytes unframed. */
	static final Map<String, String> RAW_COUNTERPARTS = Map.of(PeerDefinition.NETTY_NIO_FRAMED,
			PeerDefinition.NETTY_NIO, PeerDefinition.CONNLISTENER_FRAMED, "connlistener", PeerDefinition.SAMPLE_APP_FRAMED,
			PeerDefinition.SAMPLE_APP);

	private FramedReport() {
	}

	/**
	 * Append the section, if the run measured a framed scenario.
	 * @param md the report so far
	 * @param results the whole run's results
	 */
	static void append(StringBuilder md, BenchmarkResults results) {
		List<Scenario> scenarios = results.loadScenarios()
			.stream()
			.filter((scenario) -> scenario.protocol() == Protocol.FRAMED)
			.toList();
		if (scenarios.isEmpty()) {
			return;
		}
		md.append("\n## Framed echo\n\n");
		md.append("`framed echo N × S` is as `echo`, each message an S-byte line `ECHO <letters>\\r\\n` that the framed ")
			.append("peers decode, hand to a handler as one message and answer, as the sample app's `ECHO` command does, ")
			.append("with `<letters>\\r\\n`, framed the same way (S − 5 bytes back). ")
			.append("`× netty-nio-framed` is the median of same-round ratios of the rate, `CPU × netty-nio-framed` that ")
			.append("of `peer µs/op`, the peer's CPU time per message (lower is cheaper).\n\n");
		md.append("| scenario | peer | ops/s | × netty-nio-framed | p50 µs | p99 µs | p99.9 µs | spread "
				+ "| load gen CPU | peer CPU | peer µs/op | CPU × netty-nio-framed | load gen µs/op | machine | errors |\n");
		md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
		for (Scenario scenario : scenarios) {
			for (PeerDefinition peer : results.peers()) {
				if (peer.serves(scenario) && !results.results(scenario, peer.name()).isEmpty()) {
					BenchmarkReport.appendLoadRow(md, results, scenario, peer.name(),
							List.of(PeerDefinition.NETTY_NIO_FRAMED), true, true);
				}
			}
		}
		appendBar(md, results, scenarios);
		appendCost(md, results, scenarios);
	}

	private static void appendBar(StringBuilder md, BenchmarkResults results, List<Scenario> scenarios) {
		md.append("\n### Framing against the bar\n\n");
		md.append("Issue 16's bar: ours at least 1.00 × netty-nio-framed on each framed scenario, from this run's ")
			.append("same-round medians. A peer that did not run is not measured (why is under Peers).\n\n");
		md.append("| scenario | peer | × netty-nio-framed ≥ 1.00 | met |\n");
		md.append("|---|---|--:|---|\n");
		for (Scenario scenario : scenarios) {
			for (String ours : OURS) {
				double netty = results.sameRoundRatio(scenario, ours, PeerDefinition.NETTY_NIO_FRAMED);
				md.append("| ").append(scenario.describe()).append(" | ").append(ours).append(" | ")
					.append(ratio(netty)).append(" | ")
					.append(Double.isNaN(netty) ? "not measured" : (netty >= 1.0) ? "yes" : "**no**").append(" |\n");
			}
		}
	}

	private static void appendCost(StringBuilder md, BenchmarkResults results, List<Scenario> scenarios) {
		md.append("\n### What framing costs\n\n");
		md.append("Each framed peer's median rate over its raw counterpart's median rate on the echo of the same ")
			.append("shape in this run (not same-round: the two ran in different scenarios).\n\n");
		md.append("| scenario | framed peer | raw peer | × raw echo |\n");
		md.append("|---|---|---|--:|\n");
		for (Scenario scenario : scenarios) {
			Scenario echo = new Scenario(Scenario.Kind.ECHO, scenario.connections(), scenario.size());
			for (PeerDefinition peer : results.peers()) {
				String raw = RAW_COUNTERPARTS.get(peer.name());
				if (raw == null || results.results(scenario, peer.name()).isEmpty()) {
					continue;
				}
				double framed = results.median(scenario, peer.name(), LoadResult::rate);
				double unframed = results.median(echo, raw, LoadResult::rate);
				md.append("| ").append(scenario.describe()).append(" | ").append(peer.name()).append(" | ")
					.append(raw).append(" | ").append(ratio(framed / unframed)).append(" |\n");
			}
		}
	}

}
