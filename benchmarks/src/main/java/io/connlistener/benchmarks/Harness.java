package io.connlistener.benchmarks;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.time.Duration;
import java.time.LocalTime;
import java.time.temporal.ChronoUnit;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.Set;
import java.util.function.Consumer;

/**
 * Runs the benchmark: makes the run's TLS certificate if a TLS peer is to run; starts every
 * peer as a child JVM with the same flags, all at once, and checks each TLS peer with one
 * handshake; measures idle connections while the peers are fresh; then, per echo, churn or
 * TLS scenario, warms each peer of its kind (plain or TLS) up and loads them one at a time,
 * in an order rotated every round (a flood scenario likewise, one flood of its count per
 * warm-up and round); destroys the peers; starts each Spring Boot application fresh for every
 * startup scenario; and writes {@code BENCHMARKS.md} and {@code benchmarks.svg}. With CPU sets,
 * the peers and the harness run {@link CpuPinning pinned} apart.
 * <p>
 * Run it with {@code java -jar benchmarks/target/benchmarks.jar [options]}; see
 * {@link HarnessOptions}. A first argument that is not a {@code --} option goes to JMH
 * instead ({@code java -jar benchmarks/target/benchmarks.jar EchoRoundTripBenchmark}).
 */
public final class Harness {

	/** How long a peer may take to start. */
	static final Duration STARTUP_TIMEOUT = Duration.ofSeconds(90);

	/** How long opening the connections of an idle scenario may take. */
	static final Duration IDLE_OPEN_TIMEOUT = Duration.ofSeconds(120);

	/** How long each step of the handshake that checks a TLS peer may take. */
	static final Duration TLS_PROBE_TIMEOUT = Duration.ofSeconds(10);

	/**
	 * Least unmeasured time at the start of a round of a TLS echo scenario: each connection
	 * makes a full handshake before its first echo, and the handshakes must not fall into
	 * the window, or the peer that handshakes slower would lose echo time for it.
	 */
	static final Duration TLS_ECHO_ROUND_WARMUP = Duration.ofSeconds(2);

	private final HarnessOptions options;

	private final LoadGenerator generator;

	private final FloodClient flood;

	private final List<Sweep> sweeps;

	private final Consumer<String> progress;

	private TlsMaterial tlsMaterial;

	private TlsClient tlsClient;

	private PeerLaunch launch;

	/**
	 * Create a harness that reports its progress on standard output.
	 * @param options what to run
	 */
	public Harness(HarnessOptions options) {
		this(options, Harness::printProgress);
	}

	/**
	 * Create a harness.
	 * @param options what to run
	 * @param progress where each line of progress goes
	 */
	Harness(HarnessOptions options, Consumer<String> progress) {
		this(options, selectedSweeps(options), progress);
	}

	/**
	 * Create a harness.
	 * @param options what to run
	 * @param sweeps the sweeps to run
	 * @param progress where each line of progress goes
	 */
	Harness(HarnessOptions options, List<Sweep> sweeps, Consumer<String> progress) {
		this.options = options;
		this.generator = new LoadGenerator(options.threads());
		this.flood = new FloodClient(options.threads(), FloodClient.TIME_BOUND);
		this.sweeps = List.copyOf(sweeps);
		this.progress = progress;
	}

	private static List<Sweep> selectedSweeps(HarnessOptions options) {
		List<Sweep> all = Sweep.all(options.sampleAppJar(), options.serverProcessors());
		if (options.sweeps() == null) {
			return all;
		}
		for (String name : options.sweeps()) {
			if (all.stream().noneMatch((sweep) -> sweep.name().equals(name))) {
				throw new IllegalArgumentException("Unknown sweep '" + name + "'; known sweeps are "
						+ all.stream().map(Sweep::name).toList() + ", or none");
			}
		}
		return all.stream().filter((sweep) -> options.sweeps().contains(sweep.name())).toList();
	}

	public static void main(String[] args) throws Exception {
		if (args.length > 0 && !args[0].startsWith("--")) {
			// Not ours: a JMH benchmark name or option, as in "EchoRoundTripBenchmark -prof gc".
			org.openjdk.jmh.Main.main(args);
			return;
		}
		Harness harness;
		try {
			harness = new Harness(HarnessOptions.parse(args));
		}
		catch (IllegalArgumentException ex) {
			System.err.println(ex.getMessage());
			System.exit(2);
			return;
		}
		HarnessOptions options = harness.options;
		BenchmarkResults results = harness.run();
		boolean measured = results.totalOperations() > 0 || results.startups().values().stream()
			.flatMap((byPeer) -> byPeer.values().stream())
			.anyMatch((starts) -> !starts.isEmpty());
		String markdown = BenchmarkReport.markdown(results);
		System.out.println();
		System.out.println(markdown);
		if (options.output() != null) {
			Path written = BenchmarkReport.write(results, options.output());
			System.out.println("Wrote " + written + " and " + written.resolveSibling(BenchmarkReport.CHART));
		}
		System.exit(measured ? 0 : 1);
	}

	/**
	 * Run every scenario against every available peer.
	 * @return the measurements
	 * @throws InterruptedException if interrupted
	 */
	public BenchmarkResults run() throws InterruptedException {
		BenchmarkResults results = new BenchmarkResults(this.options, MachineInfo.current());
		CpuPinning pinning = CpuPinning.apply(this.options);
		this.launch = new PeerLaunch(this.options.jvmFlags(), this.options.ioThreads(), pinning);
		results.pinning(pinning.describe());
		if (pinning.problem() != null) {
			results.problem(pinning.problem());
		}
		log("machine: %d processors, load average %s; pinning: %s; watching the background load for %d s",
				results.machine().processors(), results.loadAtStart(), pinning.describe(),
				this.options.backgroundSample().toSeconds());
		Map<PeerDefinition, PeerProcess> running = new LinkedHashMap<>();
		Map<String, InetSocketAddress> addresses = new LinkedHashMap<>();
		results.background(true, backgroundBusyCores());
		// Startup scenarios start applications of their own: a run of only those starts no peer.
		boolean loads = !this.sweeps.isEmpty()
				|| this.options.scenarios().stream().anyMatch((scenario) -> scenario.kind() != Scenario.Kind.STARTUP);
		List<PeerDefinition> peers = loads ? selectedPeers() : List.of();
		try {
			if (peers.stream().anyMatch(PeerDefinition::tls)) {
				startTls(results);
			}
			startPeers(results, peers, running, addresses, false);
			// Idle first, on fresh peers: memory that load touched before would hide in the baseline.
			for (Scenario scenario : this.options.scenarios()) {
				if (scenario.kind() == Scenario.Kind.IDLE && !addresses.isEmpty()) {
					runIdle(results, scenario, running, addresses);
				}
			}
			for (Scenario scenario : this.options.scenarios()) {
				if (scenario.kind() != Scenario.Kind.IDLE && scenario.kind() != Scenario.Kind.STARTUP
						&& !addresses.isEmpty()) {
					runLoad(results, scenario, running, addresses, this.options.warmup(), this.options.window());
				}
			}
			for (Sweep sweep : this.sweeps) {
				runSweep(results.sweep(sweep), sweep, running, addresses);
			}
		}
		finally {
			running.values().forEach(PeerProcess::close);
			if (this.tlsMaterial != null) {
				this.tlsMaterial.close();
			}
		}
		// Last, with no other peer running: each start has the machine to itself.
		for (Scenario scenario : this.options.scenarios()) {
			if (scenario.kind() == Scenario.Kind.STARTUP) {
				runStartup(results, scenario);
			}
		}
		results.background(false, backgroundBusyCores());
		results.finish();
		return results;
	}

	private void startTls(BenchmarkResults results) throws InterruptedException {
		try {
			this.tlsMaterial = TlsMaterial.create(this.options.tlsKey());
			this.tlsClient = new TlsClient(this.tlsMaterial, this.options.tlsProtocol());
			results.tls(this.tlsMaterial.describe(), this.tlsClient);
			log("TLS: %s; clients offer %s with %s only", this.tlsMaterial.describe(), this.tlsClient.protocol(),
					this.tlsClient.cipherSuite());
		}
		catch (IOException | GeneralSecurityException ex) {
			results.problem("No TLS certificate, so no TLS peer runs: " + ex.getMessage());
			log("no TLS certificate: %s", ex.getMessage());
		}
	}

	private double backgroundBusyCores() throws InterruptedException {
		Duration sample = this.options.backgroundSample();
		return sample.isZero() ? Double.NaN : MachineInfo.busyCores(sample);
	}

	private void startPeers(BenchmarkResults results, List<PeerDefinition> peers,
			Map<PeerDefinition, PeerProcess> running, Map<String, InetSocketAddress> addresses, boolean ownIoThreads)
			throws InterruptedException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		String classPath = System.getProperty("java.class.path");
		for (PeerDefinition peer : peers) {
			String reason = peer.unavailableReason();
			if (reason == null && peer.tls() && this.tlsClient == null) {
				reason = "no TLS certificate (see the problems below)";
			}
			if (reason != null) {
				skip(results, peer.name(), reason);
				continue;
			}
			try {
				List<String> command = this.launch.command(peer, java, classPath,
						peer.tls() ? this.tlsMaterial.folder() : null, ownIoThreads);
				running.put(peer, PeerProcess.start(peer.name(), command, peer.application(), peer.listener()));
			}
			catch (IOException ex) {
				skip(results, peer.name(), "could not start: " + ex.getMessage());
			}
		}
		for (PeerDefinition peer : new ArrayList<>(running.keySet())) {
			PeerProcess process = running.get(peer);
			try {
				int port = process.awaitReady(STARTUP_TIMEOUT);
				InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
				String session = null;
				if (peer.tls()) {
					session = probe(address);
				}
				addresses.put(peer.name(), address);
				results.peerStarted(peer);
				if (session != null) {
					results.tlsSession(peer.name(), session);
				}
				log("started %s (pid %d) on 127.0.0.1:%d%s", peer.name(), process.pid(), port,
						(session != null) ? ", " + session : "");
			}
			catch (IOException ex) {
				skip(results, peer.name(), ex.getMessage());
				running.remove(peer).close();
			}
		}
	}

	private String probe(InetSocketAddress address) throws IOException {
		try {
			return this.tlsClient.probe(address, TLS_PROBE_TIMEOUT);
		}
		catch (IOException ex) {
			throw new IOException("serves no TLS: a handshake and an echo failed: " + ex, ex);
		}
	}

	/**
	 * Return the peers named by {@code --peers}, or by default every peer whose kind (plain
	 * or TLS) a selected scenario or sweep loads.
	 */
	List<PeerDefinition> selectedPeers() {
		List<PeerDefinition> all = PeerDefinition.all(this.options.sampleAppJar());
		if (this.options.peers() == null) {
			Set<Protocol> protocols = EnumSet.noneOf(Protocol.class);
			this.options.scenarios().forEach((scenario) -> protocols.add(scenario.protocol()));
			if (!this.sweeps.isEmpty()) {
				protocols.add(Protocol.PLAIN);
			}
			return all.stream().filter((peer) -> protocols.contains(peer.protocol())).toList();
		}
		for (String name : this.options.peers()) {
			if (all.stream().noneMatch((peer) -> peer.name().equals(name))) {
				throw new IllegalArgumentException("Unknown peer '" + name + "'; known peers are "
						+ all.stream().map(PeerDefinition::name).toList());
			}
		}
		return all.stream().filter((peer) -> this.options.peers().contains(peer.name())).toList();
	}

	/**
	 * Measure a sweep: start the sample application once per value, load each value and
	 * the Netty NIO peer (when it runs) in rotated rounds, and stop the values again.
	 */
	private void runSweep(BenchmarkResults swept, Sweep sweep, Map<PeerDefinition, PeerProcess> running,
			Map<String, InetSocketAddress> addresses) throws InterruptedException {
		log("sweep %s: %s", sweep.name(), sweep.property());
		Map<PeerDefinition, PeerProcess> variants = new LinkedHashMap<>();
		Map<String, InetSocketAddress> variantAddresses = new LinkedHashMap<>();
		try {
			// The values of a sweep set their own loops, whatever --io-threads says.
			startPeers(swept, sweep.variants().stream().map(Sweep.Variant::peer).toList(), variants, variantAddresses,
					true);
			Map<PeerDefinition, PeerProcess> all = new LinkedHashMap<>(variants);
			Map<String, InetSocketAddress> allAddresses = new LinkedHashMap<>(variantAddresses);
			running.keySet().stream().filter((peer) -> peer.name().equals(PeerDefinition.NETTY_NIO)).findFirst()
				.ifPresent((reference) -> {
					swept.peerStarted(reference);
					all.put(reference, running.get(reference));
					allAddresses.put(reference.name(), addresses.get(reference.name()));
				});
			if (variantAddresses.isEmpty()) {
				return;
			}
			for (Scenario scenario : sweep.scenarios()) {
				runLoad(swept, scenario, all, allAddresses, this.options.sweepWarmup(), this.options.sweepWindow());
			}
		}
		finally {
			variants.values().forEach(PeerProcess::close);
		}
	}

	private void runLoad(BenchmarkResults results, Scenario scenario, Map<PeerDefinition, PeerProcess> running,
			Map<String, InetSocketAddress> addresses, Duration warmup, Duration window) throws InterruptedException {
		// Plain peers take the plain scenarios, TLS peers the TLS ones, framed peers the framed ones.
		List<PeerDefinition> peers = results.peers().stream().filter((peer) -> peer.serves(scenario)).toList();
		if (peers.isEmpty()) {
			log("%s: no peer of its kind runs", scenario.describe());
			return;
		}
		if (scenario.kind() == Scenario.Kind.FLOOD) {
			log("%s: %s, then %d rounds of one flood per peer", scenario.describe(),
					warmup.isZero() ? "no warm-up" : "one unmeasured flood per peer", results.rounds());
		}
		else {
			log("%s: warm-up %.1f s per peer, then %d rounds of %.1f s", scenario.describe(), warmup.toMillis() / 1000.0,
					results.rounds(), window.toMillis() / 1000.0);
		}
		if (!warmup.isZero()) {
			for (PeerDefinition peer : peers) {
				measure(results, scenario, peer, running.get(peer), addresses, warmup, -1);
			}
		}
		for (int round = 0; round < results.rounds(); round++) {
			for (int i = 0; i < peers.size(); i++) {
				PeerDefinition peer = peers.get((i + round) % peers.size());
				measure(results, scenario, peer, running.get(peer), addresses, window, round);
			}
		}
	}

	/**
	 * Return the unmeasured time at the start of a round of a scenario.
	 * @param scenario the scenario
	 * @param roundWarmup the time the options ask for
	 * @return that time, or {@link #TLS_ECHO_ROUND_WARMUP} for a TLS echo scenario if longer
	 */
	static Duration roundWarmup(Scenario scenario, Duration roundWarmup) {
		boolean handshakesFirst = scenario.tls() && !scenario.closesEachCycle();
		return (handshakesFirst && roundWarmup.compareTo(TLS_ECHO_ROUND_WARMUP) < 0) ? TLS_ECHO_ROUND_WARMUP
				: roundWarmup;
	}

	private void measure(BenchmarkResults results, Scenario scenario, PeerDefinition peer, PeerProcess process,
			Map<String, InetSocketAddress> addresses, Duration window, int round) throws InterruptedException {
		if (!process.isAlive()) {
			results.problem(peer.name() + " had exited before " + scenario.name() + " round " + (round + 1));
			return;
		}
		try {
			if (scenario.kind() == Scenario.Kind.FLOOD) {
				flood(results, scenario, peer, process, addresses.get(peer.name()), round);
				return;
			}
			LoadResult result = this.generator.run(scenario, addresses.get(peer.name()), this.tlsClient,
					roundWarmup(scenario, this.options.roundWarmup()), window, process::cpuNanos);
			if (round >= 0) {
				results.record(scenario, peer.name(), round, result);
			}
			log("%-16s %-21s %-7s %,12.0f/s  p50 %,8.1f µs  p99 %,9.1f µs  load gen CPU %3.0f%%  peer CPU %3.0f%%  machine %.2f cores%s",
					scenario.name(), peer.name(), (round < 0) ? "warm-up" : "round " + (round + 1), result.rate(),
					result.latencyMicros(50), result.latencyMicros(99), 100 * result.clientCpuShare(),
					100 * result.serverCpuShare(), result.machineBusyCores(), (result.errors() > 0) ? "  errors " + result.errors() : "");
		}
		catch (IOException ex) {
			results.problem(peer.name() + " in " + scenario.name() + ((round < 0) ? " warm-up" : " round " + (round + 1))
					+ ": " + ex.getMessage());
			log("%s %s failed: %s", scenario.name(), peer.name(), ex.getMessage());
		}
	}

	/**
	 * Flood a peer once: the whole count of connects, whatever the window (a warm-up is one
	 * unmeasured flood).
	 */
	private void flood(BenchmarkResults results, Scenario scenario, PeerDefinition peer, PeerProcess process,
			InetSocketAddress address, int round) throws IOException, InterruptedException {
		FloodResult flood = this.flood.run(scenario, address, process::cpuNanos);
		if (round >= 0) {
			results.record(scenario, peer.name(), round, flood);
		}
		LoadResult result = flood.load();
		log("%-16s %-21s %-7s %,12.0f/s  connect p99 %,9.1f µs  echo p99 %,9.1f µs  overflows %d  drops %d  peer CPU %,.1f ms/1k  errors %d",
				scenario.name(), peer.name(), (round < 0) ? "warm-up" : "round " + (round + 1), result.rate(),
				flood.connectMicros(99), result.latencyMicros(99), flood.listenQueue().overflows(),
				flood.listenQueue().drops(), result.serverCpuMicrosPerOperation(), result.errors());
	}

	/**
	 * Start each Spring Boot application fresh, in an order rotated every round, and measure
	 * the time to its first echoed byte.
	 */
	private void runStartup(BenchmarkResults results, Scenario scenario) throws InterruptedException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		// Pre-touching the heap costs every start the same fixed time, which would flatten the ratios.
		List<String> flags = this.options.jvmFlags().stream().filter((flag) -> !flag.equals("-XX:+AlwaysPreTouch")).toList();
		Path cdsFolder;
		try {
			cdsFolder = Files.createTempDirectory("connlistener-cds-");
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		try {
			runStartup(results, scenario, java, flags, cdsFolder);
		}
		finally {
			ToolProcess.deleteTree(cdsFolder);
		}
	}

	private void runStartup(BenchmarkResults results, Scenario scenario, String java, List<String> flags, Path cdsFolder)
			throws InterruptedException {
		List<StartupPeer> peers = new ArrayList<>();
		for (StartupPeer peer : StartupPeer.all(this.options.sampleAppJar(), this.options.reactorNettyJar(),
				this.options.starterEchoJar())) {
			if (peer.unavailableReason() != null) {
				results.problem(scenario.name() + ": skipped " + peer.name() + ": " + peer.unavailableReason());
				log("%s: skipping %s: %s", scenario.name(), peer.name(), peer.unavailableReason());
				continue;
			}
			if (peer.classDataSharing()) {
				try {
					Path folder = Files.createDirectory(cdsFolder.resolve(peer.name()));
					peer = ClassDataSharing.prepare(peer, folder, java, flags, STARTUP_TIMEOUT);
					log("%s: %s extracted and its CDS archive trained", scenario.name(), peer.name());
				}
				catch (IOException ex) {
					results.problem(scenario.name() + ": skipped " + peer.name() + ": " + ex.getMessage());
					log("%s: skipping %s: %s", scenario.name(), peer.name(), ex.getMessage());
					continue;
				}
			}
			peers.add(peer);
		}
		log("%s: %s, then %d fresh starts of each of %d applications, JVM flags %s", scenario.describe(),
				this.options.warmup().isZero() ? "no warm-up" : "one unmeasured start each", scenario.connections(),
				peers.size(), flags);
		// The first start of a jar reads it from disk; the page cache serves every later one.
		for (int round = this.options.warmup().isZero() ? 0 : -1; round < scenario.connections(); round++) {
			for (int i = 0; i < peers.size(); i++) {
				StartupPeer peer = peers.get((i + Math.max(0, round)) % peers.size());
				try {
					StartupResult start = StartupRun.measure(peer,
							(port) -> this.launch.pinning().pin(peer.command(java, flags, port)), STARTUP_TIMEOUT);
					if (round >= 0) {
						results.record(scenario, peer, start);
					}
					log("%-16s %-21s %-9s %,8.0f ms to the first echoed byte, %,.2f CPU s", scenario.name(), peer.name(),
							(round < 0) ? "warm-up" : "start " + (round + 1), start.millis(), start.cpuSeconds());
				}
				catch (IOException ex) {
					results.startupFailed(scenario, peer);
					results.problem(peer.name() + " in " + scenario.name() + " start " + (round + 1) + ": " + ex.getMessage());
					log("%s %s start %d failed: %s", scenario.name(), peer.name(), round + 1, ex.getMessage());
				}
			}
		}
	}

	private void runIdle(BenchmarkResults results, Scenario scenario, Map<PeerDefinition, PeerProcess> running,
			Map<String, InetSocketAddress> addresses) throws InterruptedException {
		long limit = MachineInfo.openFilesLimit();
		if (limit < scenario.connections() + 512L) {
			results.problem(scenario.name() + " skipped: `ulimit -n` is " + limit + ", it needs at least "
					+ (scenario.connections() + 512));
			log("skipping %s: ulimit -n is %d", scenario.name(), limit);
			return;
		}
		log("%s: memory per connection above a baseline with none", scenario.describe());
		for (PeerDefinition peer : results.peers()) {
			if (peer.protocol() != Protocol.PLAIN) {
				continue;
			}
			PeerProcess process = running.get(peer);
			if (!process.isAlive()) {
				results.problem(peer.name() + " had exited before " + scenario.name());
				continue;
			}
			// Twice: the first collection only queues the cleaners of buffers freed since startup.
			process.heapUsedAfterGc();
			long baselineHeap = process.heapUsedAfterGc();
			long baselineResident = process.residentBytes();
			try (IdleConnections connections = IdleConnections.open(addresses.get(peer.name()),
					scenario.connections(), scenario.size(), IDLE_OPEN_TIMEOUT)) {
				long heap = process.heapUsedAfterGc();
				long resident = process.residentBytes();
				IdleResult result = new IdleResult(connections.established(), connections.failed(), baselineResident,
						resident, baselineHeap, heap);
				results.record(scenario, peer.name(), result);
				log("%-16s %-21s %,d open, %d failed: RSS %,.0f B/conn, heap %,.0f B/conn", scenario.name(),
						peer.name(), result.established(), result.failed(), result.residentPerConnection(),
						result.heapPerConnection());
			}
			catch (IOException ex) {
				results.problem(peer.name() + " in " + scenario.name() + ": " + ex.getMessage());
			}
		}
	}

	private void skip(BenchmarkResults results, String name, String reason) {
		String firstLine = reason.lines().findFirst().orElse(reason);
		results.peerSkipped(name, firstLine);
		log("skipping %s: %s", name, reason);
	}

	private void log(String format, Object... args) {
		this.progress.accept(String.format(format, args));
	}

	private static void printProgress(String line) {
		System.out.println("[" + LocalTime.now().truncatedTo(ChronoUnit.SECONDS) + "] " + line);
	}

}
