package io.connlistener.benchmarks;

import java.util.List;

import static io.connlistener.benchmarks.BenchmarkReport.number;
import static io.connlistener.benchmarks.BenchmarkReport.ratio;

/**
 * Writes the TLS part of {@code BENCHMARKS.md}: how the TLS scenarios are made, a table of
 * medians with same-round ratios to Netty with the JDK's TLS and to Netty with BoringSSL and
 * CPU time per operation, and issue 15's bar: ours at least as fast as Netty with the JDK's
 * TLS on each TLS scenario.
 */
final class TlsReport {

	/** Our TLS peers, which the bar is about. */
	static final List<String> OURS = List.of(PeerDefinition.SAMPLE_APP_TLS, PeerDefinition.CONNLISTENER_TLS);

	private TlsReport() {
	}

	/**
	 * Append the section, if the run measured a TLS scenario.
	 * @param md the report so far
	 * @param results the whole run's results
	 */
	static void append(StringBuilder md, BenchmarkResults results) {
		List<Scenario> scenarios = results.loadScenarios().stream().filter(Scenario::tls).toList();
		if (scenarios.isEmpty()) {
			return;
		}
		md.append("\n## TLS\n\n");
		md.append("The TLS peers serve a ").append(results.tlsCertificate()).append(". ")
			.append("The load generator is the same NIO client as above with the JDK's `SSLEngine` on each connection ")
			.append("(heap buffers, delegated tasks run inline), trusting that certificate alone, sending SNI `localhost` ")
			.append("and offering ").append(results.tlsClient())
			.append(" only, so that every peer protects its records alike. Its engines are made without a peer host and ")
			.append("port, which the JDK's client session cache is keyed by, so every handshake is a full one: ")
			.append("nothing is resumed. `TLS echo` is as `echo`, each message a record each way; `TLS handshake N` keeps ")
			.append("N clients that each connect, make the handshake, echo one message, send `close_notify` and reset, ")
			.append("and counts these cycles (handshakes per second; latency from the connect to the echo). ")
			.append("Each round of a TLS echo scenario leaves at least ")
			.append(Harness.TLS_ECHO_ROUND_WARMUP.toSeconds())
			.append(" s unmeasured while its connections make their handshakes. ")
			.append("`× netty-nio-tls` and `× netty-nio-tls-openssl` are medians of same-round ratios of the rate. ")
			.append("`peer µs/op` and `load gen µs/op` are the CPU time of the peer and of the harness over the window, ")
			.append("divided by the operations: the cost of one round trip or handshake, which still compares peers when ")
			.append("the load generator, which does the same cryptography as the peer, is the bottleneck; ")
			.append("`CPU × netty-nio-tls` and `CPU × netty-nio-tls-openssl` are the medians of the same-round ratios of ")
			.append("`peer µs/op` (lower is cheaper).\n\n");
		md.append("| scenario | peer | ops/s | × netty-nio-tls | × netty-nio-tls-openssl | p50 µs | p99 µs | p99.9 µs | spread "
				+ "| load gen CPU | peer CPU | peer µs/op | CPU × netty-nio-tls | CPU × netty-nio-tls-openssl "
				+ "| load gen µs/op | machine | errors |\n");
		md.append("|---|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
		for (Scenario scenario : scenarios) {
			for (PeerDefinition peer : results.peers()) {
				String name = peer.name();
				if (!peer.tls() || results.results(scenario, name).isEmpty()) {
					continue;
				}
				BenchmarkReport.appendLoadRow(md, results, scenario, name,
						List.of(PeerDefinition.NETTY_NIO_TLS, PeerDefinition.NETTY_NIO_TLS_OPENSSL), true, true);
			}
		}
		appendBar(md, results, scenarios);
	}

	private static void appendBar(StringBuilder md, BenchmarkResults results, List<Scenario> scenarios) {
		md.append("\n### TLS against the bar\n\n");
		md.append("Issue 15's bar: ours at least 1.00 × netty-nio-tls on each TLS scenario, from this run's ")
			.append("same-round medians; × netty-nio-tls-openssl and the CPU time per operation beside it, for the ")
			.append("record. A peer that did not run is not measured (why is under Peers).\n\n");
		md.append("| scenario | peer | × netty-nio-tls ≥ 1.00 | met | × netty-nio-tls-openssl | peer µs/op "
				+ "| netty-nio-tls µs/op | netty-nio-tls-openssl µs/op |\n");
		md.append("|---|---|--:|---|--:|--:|--:|--:|\n");
		for (Scenario scenario : scenarios) {
			for (String ours : OURS) {
				double jdk = results.sameRoundRatio(scenario, ours, PeerDefinition.NETTY_NIO_TLS);
				double openssl = results.sameRoundRatio(scenario, ours, PeerDefinition.NETTY_NIO_TLS_OPENSSL);
				md.append("| ").append(scenario.describe()).append(" | ").append(ours).append(" | ").append(ratio(jdk))
					.append(" | ").append(Double.isNaN(jdk) ? "not measured" : (jdk >= 1.0) ? "yes" : "**no**")
					.append(" | ").append(ratio(openssl)).append(" | ")
					.append(cpuPerOperation(results, scenario, ours)).append(" | ")
					.append(cpuPerOperation(results, scenario, PeerDefinition.NETTY_NIO_TLS)).append(" | ")
					.append(cpuPerOperation(results, scenario, PeerDefinition.NETTY_NIO_TLS_OPENSSL)).append(" |\n");
			}
		}
	}

	private static String cpuPerOperation(BenchmarkResults results, Scenario scenario, String peer) {
		return number(results.median(scenario, peer, LoadResult::serverCpuMicrosPerOperation), 1);
	}

}
