package io.connlistener.benchmarks;

import java.time.Duration;
import java.time.Instant;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.function.ToDoubleFunction;

/**
 * Everything a run measured: per scenario, per peer, one {@link LoadResult} per round (or
 * none where the run failed), one {@link IdleResult} per idle scenario, and why peers were
 * skipped. Medians and same-round ratios are computed here.
 * <p>
 * Not thread-safe: filled by the harness's thread, then read.
 */
public final class BenchmarkResults {

	private final HarnessOptions options;

	private final MachineInfo machine;

	private final Instant startedAt = Instant.now();

	private final String loadAtStart = MachineInfo.loadAverage();

	private String loadAtEnd;

	private double busyBefore = Double.NaN;

	private double busyAfter = Double.NaN;

	private Duration elapsed;

	private final List<PeerDefinition> peers = new ArrayList<>();

	private final Map<String, String> skipped = new LinkedHashMap<>();

	private final Map<Scenario, Map<String, LoadResult[]>> loads = new LinkedHashMap<>();

	private final Map<Scenario, Map<String, IdleResult>> idles = new LinkedHashMap<>();

	private final List<String> problems = new ArrayList<>();

	private final int rounds;

	private final Map<Sweep, BenchmarkResults> sweeps = new LinkedHashMap<>();

	private String tlsCertificate;

	private String tlsClient;

	private final Map<String, String> tlsSessions = new LinkedHashMap<>();

	private final Map<Scenario, Map<String, FloodResult[]>> floods = new LinkedHashMap<>();

	private final Map<Scenario, Map<StartupPeer, List<StartupResult>>> startups = new LinkedHashMap<>();

	private final Map<Scenario, Map<String, Integer>> startupFailures = new LinkedHashMap<>();

	private String pinning;

	BenchmarkResults(HarnessOptions options, MachineInfo machine) {
		this(options, machine, options.rounds());
	}

	private BenchmarkResults(HarnessOptions options, MachineInfo machine, int rounds) {
		this.options = options;
		this.machine = machine;
		this.rounds = rounds;
	}

	/**
	 * Start the results of a sweep, with rounds and peers of its own.
	 * @param sweep the sweep
	 * @return its results
	 */
	BenchmarkResults sweep(Sweep sweep) {
		BenchmarkResults swept = new BenchmarkResults(this.options, this.machine, this.options.sweepRounds());
		this.sweeps.put(sweep, swept);
		return swept;
	}

	/**
	 * Return the results of every sweep that ran, in the order they ran.
	 * @return the results by sweep
	 */
	public Map<Sweep, BenchmarkResults> sweeps() {
		return this.sweeps;
	}

	/**
	 * Return the number of measured rounds per scenario and peer.
	 * @return the rounds
	 */
	public int rounds() {
		return this.rounds;
	}

	/**
	 * Return each value's throughput relative to the sweep's default: per scenario, the
	 * median of same-round ratios; over the scenarios, their geometric mean.
	 * @param sweep the sweep these are the results of
	 * @return one figure per value, in the sweep's order; {@code NaN} where not measured
	 */
	public double[] relativeToDefault(Sweep sweep) {
		String base = sweep.defaultVariant().peer().name();
		double[] relative = new double[sweep.variants().size()];
		for (int i = 0; i < relative.length; i++) {
			String name = sweep.variants().get(i).peer().name();
			double logSum = 0;
			int count = 0;
			for (Scenario scenario : sweep.scenarios()) {
				double ratio = sameRoundRatio(scenario, name, base);
				if (!Double.isNaN(ratio) && ratio > 0) {
					logSum += Math.log(ratio);
					count++;
				}
			}
			relative[i] = (count == sweep.scenarios().size()) ? Math.exp(logSum / count) : Double.NaN;
		}
		return relative;
	}

	void peerStarted(PeerDefinition peer) {
		this.peers.add(peer);
	}

	void peerSkipped(String name, String reason) {
		this.skipped.put(name, reason);
	}

	void record(Scenario scenario, String peer, int round, LoadResult result) {
		this.loads.computeIfAbsent(scenario, (key) -> new LinkedHashMap<>())
			.computeIfAbsent(peer, (key) -> new LoadResult[this.rounds])[round] = result;
	}

	void record(Scenario scenario, String peer, int round, FloodResult result) {
		record(scenario, peer, round, result.load());
		this.floods.computeIfAbsent(scenario, (key) -> new LinkedHashMap<>())
			.computeIfAbsent(peer, (key) -> new FloodResult[this.rounds])[round] = result;
	}

	void record(Scenario scenario, StartupPeer peer, StartupResult result) {
		this.startups.computeIfAbsent(scenario, (key) -> new LinkedHashMap<>())
			.computeIfAbsent(peer, (key) -> new ArrayList<>())
			.add(result);
	}

	void startupFailed(Scenario scenario, StartupPeer peer) {
		this.startups.computeIfAbsent(scenario, (key) -> new LinkedHashMap<>()).computeIfAbsent(peer, (key) -> new ArrayList<>());
		this.startupFailures.computeIfAbsent(scenario, (key) -> new LinkedHashMap<>()).merge(peer.name(), 1, Integer::sum);
	}

	void pinning(String pinning) {
		this.pinning = pinning;
	}

	/**
	 * Return how the peers and the load generator were pinned to CPUs.
	 * @return the description, or {@code null} if not known
	 */
	public String pinning() {
		return this.pinning;
	}

	/**
	 * Return the extra measurements of one peer's floods, by round.
	 * @param scenario a flood scenario
	 * @param peer the peer's name
	 * @return the floods that exist, in round order
	 */
	public List<FloodResult> floods(Scenario scenario, String peer) {
		FloodResult[] rounds = this.floods.getOrDefault(scenario, Map.of()).get(peer);
		return (rounds != null) ? Arrays.stream(rounds).filter((r) -> r != null).toList() : List.of();
	}

	/**
	 * Return the flood scenarios that have results, in run order.
	 * @return the scenarios
	 */
	public List<Scenario> floodScenarios() {
		return List.copyOf(this.floods.keySet());
	}

	/**
	 * Return the starts of every startup scenario, by peer, in the order they ran.
	 * @return the starts by scenario and peer; a peer that never started has none
	 */
	public Map<Scenario, Map<StartupPeer, List<StartupResult>>> startups() {
		return this.startups;
	}

	/**
	 * Return how many starts of a peer failed.
	 * @param scenario the startup scenario
	 * @param peer the peer's name
	 * @return the count
	 */
	public int startupFailures(Scenario scenario, String peer) {
		return this.startupFailures.getOrDefault(scenario, Map.of()).getOrDefault(peer, 0);
	}

	/**
	 * Return the median of a startup peer's starts.
	 * @param scenario the startup scenario
	 * @param peer the peer's name
	 * @param measure what to take of each start
	 * @return the median, or {@code NaN} if none succeeded
	 */
	public double startupMedian(Scenario scenario, String peer, ToDoubleFunction<StartupResult> measure) {
		return median(startupsOf(scenario, peer).stream().mapToDouble(measure).toArray());
	}

	/**
	 * Return the longest of a startup peer's starts.
	 * @param scenario the startup scenario
	 * @param peer the peer's name
	 * @return milliseconds, or {@code NaN} if none succeeded
	 */
	public double startupMax(Scenario scenario, String peer) {
		return startupsOf(scenario, peer).stream().mapToDouble(StartupResult::millis).max().orElse(Double.NaN);
	}

	private List<StartupResult> startupsOf(Scenario scenario, String peer) {
		return this.startups.getOrDefault(scenario, Map.of()).entrySet().stream()
			.filter((entry) -> entry.getKey().name().equals(peer))
			.findFirst()
			.map(Map.Entry::getValue)
			.orElse(List.of());
	}

	void record(Scenario scenario, String peer, IdleResult result) {
		this.idles.computeIfAbsent(scenario, (key) -> new LinkedHashMap<>()).put(peer, result);
	}

	void tls(String certificate, TlsClient client) {
		this.tlsCertificate = certificate;
		this.tlsClient = client.protocol() + " with " + client.cipherSuite();
	}

	void tlsSession(String peer, String session) {
		this.tlsSessions.put(peer, session);
	}

	/**
	 * Return the run's TLS certificate, described.
	 * @return the description, or {@code null} if the run made none
	 */
	public String tlsCertificate() {
		return this.tlsCertificate;
	}

	/**
	 * Return what the TLS clients offer.
	 * @return for example {@code TLSv1.3 with TLS_AES_128_GCM_SHA256}, or {@code null}
	 */
	public String tlsClient() {
		return this.tlsClient;
	}

	/**
	 * Return the protocol and cipher suite each TLS peer negotiated when it was checked.
	 * @return the sessions by peer name
	 */
	public Map<String, String> tlsSessions() {
		return this.tlsSessions;
	}

	void problem(String problem) {
		this.problems.add(problem);
	}

	void background(boolean before, double busyCores) {
		if (before) {
			this.busyBefore = busyCores;
		}
		else {
			this.busyAfter = busyCores;
		}
	}

	/**
	 * Return how many cores other work kept busy just before the run started.
	 * @return busy cores, or {@code NaN} if unknown
	 */
	public double busyBefore() {
		return this.busyBefore;
	}

	/**
	 * Return how many cores other work kept busy just after the run ended.
	 * @return busy cores, or {@code NaN} if unknown
	 */
	public double busyAfter() {
		return this.busyAfter;
	}

	void finish() {
		this.elapsed = Duration.between(this.startedAt, Instant.now());
		this.loadAtEnd = MachineInfo.loadAverage();
	}

	/**
	 * Return the results of one peer in one scenario, by round.
	 * @param scenario the scenario
	 * @param peer the peer's name
	 * @return the results that exist, in round order
	 */
	public List<LoadResult> results(Scenario scenario, String peer) {
		LoadResult[] rounds = this.loads.getOrDefault(scenario, Map.of()).get(peer);
		return (rounds != null) ? Arrays.stream(rounds).filter((r) -> r != null).toList() : List.of();
	}

	/**
	 * Return the results of one peer in one scenario, with {@code null} for a failed round.
	 * @param scenario the scenario
	 * @param peer the peer's name
	 * @return a copy of the results by round, or {@code null} if the peer has none
	 */
	public LoadResult[] rounds(Scenario scenario, String peer) {
		LoadResult[] rounds = this.loads.getOrDefault(scenario, Map.of()).get(peer);
		return (rounds != null) ? rounds.clone() : null;
	}

	/**
	 * Return the median over rounds of a measurement.
	 * @param scenario the scenario
	 * @param peer the peer's name
	 * @param measure what to take of each round
	 * @return the median, or {@code NaN} if the peer has no result
	 */
	public double median(Scenario scenario, String peer, ToDoubleFunction<LoadResult> measure) {
		return median(results(scenario, peer).stream().mapToDouble(measure).toArray());
	}

	/**
	 * Return the median over rounds of the ratio of a peer's rate to another peer's rate in
	 * the same round, so that noise that hits a whole round cancels out.
	 * @param scenario the scenario
	 * @param peer the peer's name
	 * @param base the other peer's name
	 * @return the median ratio, or {@code NaN} if no round has both
	 */
	public double sameRoundRatio(Scenario scenario, String peer, String base) {
		return sameRoundRatio(scenario, peer, base, LoadResult::rate);
	}

	/**
	 * Return the median over rounds of the ratio of a measurement of a peer to that of
	 * another peer in the same round.
	 * @param scenario the scenario
	 * @param peer the peer's name
	 * @param base the other peer's name
	 * @param measure what to take of each round, such as the CPU time per operation
	 * @return the median ratio, or {@code NaN} if no round has both
	 */
	public double sameRoundRatio(Scenario scenario, String peer, String base, ToDoubleFunction<LoadResult> measure) {
		Map<String, LoadResult[]> byPeer = this.loads.getOrDefault(scenario, Map.of());
		LoadResult[] mine = byPeer.get(peer);
		LoadResult[] theirs = byPeer.get(base);
		if (mine == null || theirs == null) {
			return Double.NaN;
		}
		List<Double> ratios = new ArrayList<>();
		for (int i = 0; i < mine.length; i++) {
			double theirsMeasured = (theirs[i] != null) ? measure.applyAsDouble(theirs[i]) : Double.NaN;
			double mineMeasured = (mine[i] != null) ? measure.applyAsDouble(mine[i]) : Double.NaN;
			if (!Double.isNaN(mineMeasured) && theirsMeasured > 0) {
				ratios.add(mineMeasured / theirsMeasured);
			}
		}
		return median(ratios.stream().mapToDouble(Double::doubleValue).toArray());
	}

	/**
	 * Return the spread of a peer's rate over rounds: (max - min) / median.
	 * @param scenario the scenario
	 * @param peer the peer's name
	 * @return the spread, or {@code NaN}
	 */
	public double spread(Scenario scenario, String peer) {
		double[] rates = results(scenario, peer).stream().mapToDouble(LoadResult::rate).toArray();
		double median = median(rates);
		if (rates.length == 0 || median <= 0) {
			return Double.NaN;
		}
		return (Arrays.stream(rates).max().getAsDouble() - Arrays.stream(rates).min().getAsDouble()) / median;
	}

	static double median(double[] values) {
		if (values.length == 0) {
			return Double.NaN;
		}
		double[] sorted = values.clone();
		Arrays.sort(sorted);
		int middle = sorted.length / 2;
		return (sorted.length % 2 == 1) ? sorted[middle] : (sorted[middle - 1] + sorted[middle]) / 2;
	}

	public HarnessOptions options() {
		return this.options;
	}

	public MachineInfo machine() {
		return this.machine;
	}

	public Instant startedAt() {
		return this.startedAt;
	}

	public Duration elapsed() {
		return this.elapsed;
	}

	public String loadAtStart() {
		return this.loadAtStart;
	}

	public String loadAtEnd() {
		return this.loadAtEnd;
	}

	public List<PeerDefinition> peers() {
		return this.peers;
	}

	public Map<String, String> skipped() {
		return this.skipped;
	}

	/**
	 * Return the echo and churn scenarios that have results, in run order.
	 * @return the scenarios
	 */
	public List<Scenario> loadScenarios() {
		return List.copyOf(this.loads.keySet());
	}

	public Map<Scenario, Map<String, IdleResult>> idles() {
		return this.idles;
	}

	public List<String> problems() {
		return this.problems;
	}

	/**
	 * Return the total round trips or cycles measured in every scenario for every peer.
	 * @return the count
	 */
	public long totalOperations() {
		return this.sweeps.values().stream().mapToLong(BenchmarkResults::totalOperations).sum() + this.loads.values()
			.stream()
			.flatMap((byPeer) -> byPeer.values().stream())
			.flatMap(Arrays::stream)
			.filter((r) -> r != null)
			.mapToLong(LoadResult::operations)
			.sum();
	}

}
