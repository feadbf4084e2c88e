package io.connlistener.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.connlistener.testsupport.Figures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Smoke test of the whole harness, bounded to a few seconds: the JDK echo peer as a child
 * JVM on loopback, one short round, and the report. The harness's progress lines go to
 * {@code target/figures.txt}.
 */
class HarnessTests {

	@TempDir
	Path output;

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void measuresRoundTripsAgainstTheJdkEchoPeerAndWritesTheReport() throws Exception {
		Scenario echo = Scenario.parse("echo-4x64");
		HarnessOptions options = quick(PeerDefinition.JDK, echo, Scenario.parse("churn-2x64"), Scenario.parse("idle-50"));
		BenchmarkResults results = new Harness(options, HarnessTests::record).run();
		assertThat(results.peers()).extracting(PeerDefinition::name).containsExactly(PeerDefinition.JDK);
		assertThat(results.problems()).isEmpty();
		List<LoadResult> rounds = results.results(echo, PeerDefinition.JDK);
		assertThat(rounds).hasSize(1);
		assertThat(rounds.get(0).operations()).isPositive();
		assertThat(rounds.get(0).errors()).isZero();
		assertThat(rounds.get(0).latencyMicros(99)).isPositive();
		assertThat(results.results(Scenario.parse("churn-2x64"), PeerDefinition.JDK).get(0).operations()).isPositive();
		assertThat(results.idles().get(Scenario.parse("idle-50")).get(PeerDefinition.JDK).established()).isEqualTo(50);
		Path report = BenchmarkReport.write(results, this.output);
		assertThat(Files.readString(report)).contains("| echo 4 × 64 B | jdk |");
		assertThat(Files.readString(this.output.resolve(BenchmarkReport.CHART))).startsWith("<svg").endsWith("</svg>\n");
	}

	@Test
	@Timeout(value = 90, unit = TimeUnit.SECONDS)
	void floodsEachPeerWithTheWholeCountAndReportsTheListenQueueAndCpuPerConnect() throws Exception {
		Scenario flood = Scenario.parse("flood-400x64");
		HarnessOptions options = quick(PeerDefinition.JDK, flood).peers(List.of(PeerDefinition.JDK, PeerDefinition.NETTY_NIO_BOSS));
		BenchmarkResults results = new Harness(options, HarnessTests::record).run();
		assertThat(results.problems()).isEmpty();
		for (String peer : List.of(PeerDefinition.JDK, PeerDefinition.NETTY_NIO_BOSS)) {
			FloodResult round = results.floods(flood, peer).get(0);
			assertThat(round.load().operations()).as(peer).isEqualTo(400);
			assertThat(round.load().errors()).as(peer).isZero();
			assertThat(round.timedOut()).as(peer).isZero();
			assertThat(round.connectMicros(99)).as(peer).isPositive().isLessThanOrEqualTo(round.load().latencyMicros(99));
			assertThat(round.listenQueue().overflows()).as(peer).isNotNegative();
			assertThat(results.results(flood, peer)).containsExactly(round.load());
		}
		String report = BenchmarkReport.markdown(results);
		long overflowing = (results.floods(flood, PeerDefinition.JDK).get(0).listenQueue().overflows() > 0) ? 1 : 0;
		assertThat(report).contains("## Flood", "### flood 400 × 64 B", "| netty-nio-boss | ", "| jdk | ",
				" | " + overflowing + " of 1 | ",
				"| × sample-app-dedicated-acceptor ≥ 1.00 | – | not measured |",
				"| overflows over all rounds ≤ netty-nio-boss's (", "| peer busy | load gen µs/connect |",
				"| flood 400 × 64 B | jdk | ");
	}

	@Test
	@Timeout(value = 90, unit = TimeUnit.SECONDS)
	void measuresTlsEchoesAndHandshakesAgainstTheNettyTlsPeerAndReportsThemApart() throws Exception {
		Scenario echo = Scenario.parse("tls-echo-2x64");
		Scenario handshake = Scenario.parse("tls-handshake-2");
		HarnessOptions options = quick(PeerDefinition.NETTY_NIO_TLS, echo, handshake);
		BenchmarkResults results = new Harness(options, HarnessTests::record).run();
		assertThat(results.problems()).isEmpty();
		assertThat(results.tlsSessions()).containsEntry(PeerDefinition.NETTY_NIO_TLS, "TLSv1.3 TLS_AES_128_GCM_SHA256");
		for (Scenario scenario : List.of(echo, handshake)) {
			LoadResult round = results.results(scenario, PeerDefinition.NETTY_NIO_TLS).get(0);
			assertThat(round.operations()).as(scenario.name()).isPositive();
			assertThat(round.errors()).as(scenario.name()).isZero();
			assertThat(round.serverCpuMicrosPerOperation()).as(scenario.name()).isPositive();
		}
		String report = BenchmarkReport.markdown(results);
		assertThat(report).contains("## TLS", "self-signed EC P-256 certificate",
				"| TLS echo 2 × 64 B | netty-nio-tls | ", "| TLS handshake 2 × 64 B | netty-nio-tls | ",
				"| TLS echo 2 × 64 B | sample-app-tls | – | not measured |",
				"`netty-nio-tls`: Netty 4.2.18.Final, NIO transport, one event loop, `SslHandler` with `SslProvider.JDK`")
			.doesNotContain("## Throughput and latency");
		assertThat(RatioChart.svg(results)).doesNotContain("tls-echo");
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void sweepsLoadEveryValueInRotatedRoundsAndReportThePick() throws Exception {
		PeerDefinition jdk = PeerDefinition.all(Path.of("none.jar")).get(0);
		Scenario echo = Scenario.parse("echo-2x64");
		List<Sweep.Variant> variants = List.of(
				new Sweep.Variant("size=1", new PeerDefinition("size-1", "one", jdk.mainClass(), List.of(), null, null)),
				new Sweep.Variant("size=2", new PeerDefinition("size-2", "two", jdk.mainClass(), List.of(), null, null)));
		Sweep sweep = new Sweep("size", "test.size", variants, "size=2", List.of(echo), Sweep.Rule.SMALLEST_FAST_ENOUGH,
				"A note.");
		HarnessOptions options = new HarnessOptions().peers(List.of(PeerDefinition.JDK))
			.scenarios(List.of())
			.sweepRounds(2)
			.sweepWarmup(Duration.ZERO)
			.roundWarmup(Duration.ofMillis(200))
			.sweepWindow(Duration.ofMillis(500))
			.backgroundSample(Duration.ZERO)
			.output(this.output);
		BenchmarkResults results = new Harness(options, List.of(sweep), HarnessTests::record).run();
		BenchmarkResults swept = results.sweeps().get(sweep);
		assertThat(swept.peers()).extracting(PeerDefinition::name).containsExactly("size-1", "size-2");
		assertThat(swept.results(echo, "size-1")).hasSize(2);
		assertThat(swept.results(echo, "size-2")).hasSize(2).allSatisfy((r) -> assertThat(r.operations()).isPositive());
		assertThat(swept.relativeToDefault(sweep)[1]).isEqualTo(1.0);
		String report = BenchmarkReport.markdown(results);
		assertThat(report).contains("### size: `test.size`", "| `size=2` (default) | echo 2 × 64 B |",
				"Rule: the smallest value within 5 % of the fastest", "A note.");
	}

	private static void record(String progress) {
		Figures.record("harness", "%s", progress);
	}

	/**
	 * Options of one short round against one peer, with no sweeps: enough to see every part run.
	 */
	private HarnessOptions quick(String peer, Scenario... scenarios) {
		return new HarnessOptions().peers(List.of(peer))
			.scenarios(List.of(scenarios))
			.rounds(1)
			.warmup(Duration.ZERO)
			.roundWarmup(Duration.ofMillis(200))
			.window(Duration.ofSeconds(1))
			.backgroundSample(Duration.ZERO)
			.sweeps(List.of())
			.output(this.output);
	}

}
