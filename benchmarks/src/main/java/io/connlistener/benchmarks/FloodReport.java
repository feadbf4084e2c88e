package io.connlistener.benchmarks;

import java.util.List;
import java.util.function.ToDoubleFunction;

import static io.connlistener.benchmarks.BenchmarkReport.number;
import static io.connlistener.benchmarks.BenchmarkReport.percent;
import static io.connlistener.benchmarks.BenchmarkReport.ratio;

/**
 * Writes the flood part of {@code BENCHMARKS.md}: how a flood is made, a table per flood
 * scenario of each peer's accepted connects per second, its same-round ratios, the kernel's
 * listen queue overflows and drops, connect and echo latency, errors and CPU time per 1,000
 * connects; and issue 18's bar: the sample app's default (accepting on its I/O loop) at least
 * as fast as with a dedicated acceptor loop and as Netty with a boss loop, with no more
 * overflows than Netty's.
 */
final class FloodReport {

	private static final List<String> REFERENCES = List.of(PeerDefinition.NETTY_NIO_BOSS, PeerDefinition.NETTY_NIO,
			PeerDefinition.JDK);

	private FloodReport() {
	}

	/**
	 * Append the section, if the run measured a flood.
	 * @param md the report so far
	 * @param results the whole run's results
	 */
	static void append(StringBuilder md, BenchmarkResults results) {
		List<Scenario> scenarios = results.floodScenarios();
		if (scenarios.isEmpty()) {
			return;
		}
		HarnessOptions options = results.options();
		md.append("\n## Flood\n\n");
		md.append("Each flood makes its count of connects from ").append(options.threads())
			.append(" NIO thread(s) as fast as they can, open loop: no connect waits for the server, and at most ")
			.append(FloodClient.maxInFlight(MachineInfo.openFilesLimit()))
			.append(" are in flight at once (file descriptors). Each connection sends 64 bytes once connected, reads the ")
			.append("echo and closes with a reset (`SO_LINGER 0`). A warm-up is one unmeasured flood per peer; each round one ")
			.append("flood per peer, in rotated order. `connects/s` is connects echoed over the time from the first connect to ")
			.append("the end of the last; `connect p99` is from `connect()` to the socket's establishment as the client sees ")
			.append("it, `echo p99` to the echo. `overflows` and `drops` are what `ListenOverflows` and `ListenDrops` of ")
			.append("`/proc/net/netstat` (`TcpExt`) grew by during one flood, median and max over rounds (a flood tends to ")
			.append("have none or thousands, as the accept queue either keeps up or fills, hence the count of floods with ")
			.append("any): a connect whose ")
			.append("handshake the kernel completed while the accept queue was full, and every connect dropped at a ")
			.append("listening socket. The counters are machine-wide (per network namespace), so the peers are flooded one ")
			.append("at a time and nothing else of the harness runs meanwhile; another process's flood would count too. ")
			.append("A dropped connect costs its client a SYN retransmit (1 s): it shows in `connect p99`. Every flood has a ")
			.append("time bound of ").append(FloodClient.TIME_BOUND.toSeconds())
			.append(" s; connects refused, reset, closed before the echo or still open at the bound are `errors`. ")
			.append("`peer CPU ms/1k` is the peer's CPU time per 1,000 connects, `peer busy` the share of one core it used ")
			.append("during the flood, `load gen µs/connect` the load generator's CPU time per connect (the whole harness ")
			.append("process).\n");
		for (Scenario scenario : scenarios) {
			md.append("\n### ").append(scenario.describe()).append("\n\n");
			md.append("| peer | connects/s | × netty-nio-boss | × netty-nio | × jdk | overflows | floods with overflows | drops "
					+ "| connect p99 µs | echo p99 µs | errors | peer CPU ms/1k | CPU × netty-nio-boss | CPU × netty-nio "
					+ "| peer busy | load gen µs/connect |\n");
			md.append("|---|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|--:|\n");
			for (PeerDefinition peer : results.peers()) {
				String name = peer.name();
				List<FloodResult> floods = results.floods(scenario, name);
				if (floods.isEmpty()) {
					continue;
				}
				md.append("| ").append(name).append(" | ")
					.append(number(results.median(scenario, name, LoadResult::rate), 0)).append(" | ");
				for (String reference : REFERENCES) {
					md.append(ratio(results.sameRoundRatio(scenario, name, reference))).append(" | ");
				}
				md.append(counter(floods, (f) -> f.listenQueue().overflows())).append(" | ")
					.append(floods.stream().filter((f) -> f.listenQueue().overflows() > 0).count()).append(" of ")
					.append(floods.size()).append(" | ")
					.append(counter(floods, (f) -> f.listenQueue().drops())).append(" | ")
					.append(number(median(floods, (f) -> f.connectMicros(99)), 0)).append(" | ")
					.append(number(results.median(scenario, name, (r) -> r.latencyMicros(99)), 0)).append(" | ")
					.append(floods.stream().mapToLong((f) -> f.load().errors()).sum()).append(" | ")
					.append(number(results.median(scenario, name, LoadResult::serverCpuMicrosPerOperation), 1)).append(" | ")
					.append(cpuRatio(results, scenario, name, PeerDefinition.NETTY_NIO_BOSS)).append(" | ")
					.append(cpuRatio(results, scenario, name, PeerDefinition.NETTY_NIO)).append(" | ")
					.append(percent(results.median(scenario, name, LoadResult::serverCpuShare))).append(" | ")
					.append(number(results.median(scenario, name, LoadResult::clientCpuMicrosPerOperation), 1))
					.append(" |\n");
			}
			appendBar(md, results, scenario);
		}
	}

	private static void appendBar(StringBuilder md, BenchmarkResults results, Scenario scenario) {
		BarReport.Tally tally = new BarReport.Tally();
		String app = PeerDefinition.SAMPLE_APP;
		double dedicated = results.sameRoundRatio(scenario, app, PeerDefinition.SAMPLE_APP_DEDICATED_ACCEPTOR);
		double boss = results.sameRoundRatio(scenario, app, PeerDefinition.NETTY_NIO_BOSS);
		tally.row("× sample-app-dedicated-acceptor ≥ 1.00", ratio(dedicated), dedicated, 1.00, true);
		tally.row("× netty-nio-boss ≥ 1.00", ratio(boss), boss, 1.00, true);
		double overflows = overflowTotal(results.floods(scenario, app));
		double nettyOverflows = overflowTotal(results.floods(scenario, PeerDefinition.NETTY_NIO_BOSS));
		tally.row("overflows over all rounds ≤ netty-nio-boss's (" + number(nettyOverflows, 0) + ")", number(overflows, 0),
				overflows, nettyOverflows, false);
		md.append("\nIssue 18's bar for the sample app's default (accepting on its I/O loop), from this run's same-round ")
			.append("medians: ").append(tally.met()).append(" of ").append(tally.measured()).append(" lines met.\n\n");
		md.append("| bar | sample-app | met |\n|---|--:|---|\n").append(tally.rows());
		md.append("\nThe rule the default follows: a listener accepts on its I/O loop, at most `max-accepts-per-wakeup` ")
			.append("(16) connections per wakeup, and serves them there without a hand-off (the `io-loops` sweep chose it ")
			.append("on echo and churn); while connections keep arriving (accepted in two selections in a row), the loop ")
			.append("sleeps for its arrival batching (`conn-listener.arrival-batching`, 20 µs, which Linux rounds up by ")
			.append("its 50 µs timer slack) before it selects again. On loopback the load generator pays, in its own ")
			.append("system calls, for waking a server thread that sleeps in its selector; a loop that sleeps outside it ")
			.append("while a flood goes on is woken by nobody, and serves what came meanwhile in one pass, so the load ")
			.append("generator spends less per connect (`load gen µs/connect`) and the loop less per connection ")
			.append("(`peer CPU ms/1k`). A server with an accept thread of its own (`netty-nio-boss`, ")
			.append("`sample-app-dedicated-acceptor`) stays busier instead (`peer busy`), for more CPU per connect, and ")
			.append("drains the accept queue on a thread to which the scheduler gives a share of its own, which keeps the ")
			.append("queue from overflowing while the loop is short of CPU (its code not yet compiled, other threads on ")
			.append("its core): `conn-listener.dedicated-acceptor-loop: true` is that choice. What was tried before ")
			.append("arrival batching is in \"The flood default: what was tried\" at the end of this report.\n");
	}

	private static String cpuRatio(BenchmarkResults results, Scenario scenario, String name, String reference) {
		return ratio(results.sameRoundRatio(scenario, name, reference, LoadResult::serverCpuMicrosPerOperation));
	}

	private static double overflowTotal(List<FloodResult> floods) {
		// Summed, not a median: a flood has none or thousands, and one in five is what the bar is about.
		if (floods.isEmpty() || floods.stream().anyMatch((f) -> f.listenQueue().overflows() < 0)) {
			return Double.NaN;
		}
		return floods.stream().mapToLong((f) -> f.listenQueue().overflows()).sum();
	}

	private static String counter(List<FloodResult> floods, ToDoubleFunction<FloodResult> counter) {
		double median = median(floods, counter);
		double max = floods.stream().mapToDouble(counter).max().orElse(Double.NaN);
		return (Double.isNaN(median) || median < 0) ? "–" : number(median, 0) + " (" + number(max, 0) + ")";
	}

	private static double median(List<FloodResult> floods, ToDoubleFunction<FloodResult> measure) {
		return BenchmarkResults.median(floods.stream().mapToDouble(measure).toArray());
	}

}
