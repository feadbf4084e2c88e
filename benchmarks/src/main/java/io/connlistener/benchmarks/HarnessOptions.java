package io.connlistener.benchmarks;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;

/**
 * What a benchmark run does, from the command line: {@code --rounds 5 --seconds 5
 * --warmup 5 --threads 1 --peers jdk,netty-nio --scenarios echo-1x64,idle-10000
 * --jvm-flags "-Xms256m -Xmx1g" --output docs --sample-app-jar PATH --starter-echo-jar PATH --sweeps io-loops
 * --sweep-rounds 3 --sweep-seconds 3 --tls-key ec --tls-protocol TLSv1.3 --server-cpus 0
 * --client-cpus 1 --io-threads 2}.
 * <p>
 * Mutable, for one thread: parse, adjust, then hand to {@link Harness}.
 */
public final class HarnessOptions {

	/** Scenarios of a full run, in report order. */
	public static final List<String> DEFAULT_SCENARIOS = List.of("echo-1x64", "echo-100x64", "echo-1000x64",
			"echo-100x4k", "churn-50x64", "flood-20000x64", "idle-10000", "tls-echo-100x64", "tls-echo-100x4k",
			"tls-handshake-50", "framed-echo-100x64", "startup-5");

	/** Flags every peer JVM gets unless told otherwise. */
	public static final List<String> DEFAULT_JVM_FLAGS = List.of("-Xms512m", "-Xmx512m", "-XX:+AlwaysPreTouch",
			"-XX:+UseG1GC");

	private int rounds = 5;

	private Duration window = Duration.ofSeconds(5);

	private Duration warmup = Duration.ofSeconds(3);

	private Duration roundWarmup = Duration.ofMillis(500);

	private Duration backgroundSample = Duration.ofSeconds(2);

	private int threads = 1;

	private List<String> peers = null;

	private List<Scenario> scenarios = DEFAULT_SCENARIOS.stream().map(Scenario::parse).toList();

	private List<String> jvmFlags = DEFAULT_JVM_FLAGS;

	private Path output = Path.of("docs");

	private Path sampleAppJar = null;

	private Path reactorNettyJar = null;

	private Path starterEchoJar = null;

	private List<String> arguments = List.of();

	private List<String> sweeps = null;

	private int sweepRounds = 3;

	private Duration sweepWindow = Duration.ofSeconds(3);

	private Duration sweepWarmup = Duration.ofSeconds(2);

	private TlsMaterial.KeyType tlsKey = TlsMaterial.KeyType.EC;

	private String tlsProtocol = TlsClient.DEFAULT_PROTOCOL;

	private String serverCpus = null;

	private String clientCpus = null;

	private int ioThreads = 0;

	/**
	 * Parse command-line arguments.
	 * @param args the arguments
	 * @return the options
	 */
	public static HarnessOptions parse(String... args) {
		HarnessOptions options = new HarnessOptions();
		options.arguments = List.of(args);
		for (int i = 0; i < args.length; i++) {
			String arg = args[i];
			if (arg.equals("--help")) {
				throw new IllegalArgumentException(usage());
			}
			if (i + 1 >= args.length) {
				throw new IllegalArgumentException("Missing value after " + arg + "\n" + usage());
			}
			String value = args[++i];
			switch (arg) {
				case "--rounds" -> options.rounds(Integer.parseInt(value));
				case "--seconds" -> options.window(Duration.ofMillis((long) (Double.parseDouble(value) * 1000)));
				case "--warmup" -> options.warmup(Duration.ofMillis((long) (Double.parseDouble(value) * 1000)));
				case "--threads" -> options.threads(Integer.parseInt(value));
				case "--peers" -> options.peers(split(value));
				case "--scenarios" -> options.scenarios(split(value).stream().map(Scenario::parse).toList());
				case "--jvm-flags" -> options.jvmFlags(Arrays.asList(value.trim().split("\\s+")));
				case "--output" -> options.output(Path.of(value));
				case "--sample-app-jar" -> options.sampleAppJar(Path.of(value));
				case "--reactor-netty-jar" -> options.reactorNettyJar(Path.of(value));
				case "--starter-echo-jar" -> options.starterEchoJar(Path.of(value));
				case "--sweeps" -> options.sweeps(value.equals("none") ? List.of() : split(value));
				case "--sweep-rounds" -> options.sweepRounds(Integer.parseInt(value));
				case "--sweep-seconds" -> options.sweepWindow(Duration.ofMillis((long) (Double.parseDouble(value) * 1000)));
				case "--tls-key" -> options.tlsKey(TlsMaterial.KeyType.parse(value));
				case "--tls-protocol" -> options.tlsProtocol(value);
				case "--server-cpus" -> options.serverCpus(value);
				case "--client-cpus" -> options.clientCpus(value);
				case "--io-threads" -> options.ioThreads(Integer.parseInt(value));
				default -> throw new IllegalArgumentException("Unknown option " + arg + "\n" + usage());
			}
		}
		return options;
	}

	static String usage() {
		return "Usage: java -jar benchmarks/target/benchmarks.jar [--rounds 5] [--seconds 5] [--warmup 3] "
				+ "[--threads 1] [--peers jdk,netty-nio,netty-epoll,connlistener,sample-app,netty-nio-tls,"
				+ "netty-nio-tls-openssl,connlistener-tls,sample-app-tls,netty-nio-framed,connlistener-framed,sample-app-framed] "
				+ "[--scenarios " + String.join(",", DEFAULT_SCENARIOS) + "] [--jvm-flags \""
				+ String.join(" ", DEFAULT_JVM_FLAGS) + "\"] [--output docs] [--sample-app-jar PATH] [--reactor-netty-jar PATH] "
				+ "[--starter-echo-jar PATH] "
				+ "[--sweeps io-loops,accepts-per-wakeup,read-buffer-size,write-watermarks|none] [--sweep-rounds 3] "
				+ "[--sweep-seconds 3] [--tls-key ec|rsa] [--tls-protocol TLSv1.3|TLSv1.2] "
				+ "[--server-cpus 0] [--client-cpus 1] [--io-threads 2]; more scenarios: flood-20000x64, startup-5; "
				+ "more peers: netty-nio-boss, sample-app-dedicated-acceptor";
	}

	private static List<String> split(String value) {
		List<String> items = new ArrayList<>();
		for (String item : value.split(",")) {
			if (!item.isBlank()) {
				items.add(item.trim());
			}
		}
		return items;
	}

	/**
	 * Return the number of measured rounds per scenario and peer.
	 * @return the rounds
	 */
	public int rounds() {
		return this.rounds;
	}

	/**
	 * Set the number of measured rounds, 1 to 100.
	 * @param rounds the rounds
	 * @return these options
	 */
	public HarnessOptions rounds(int rounds) {
		this.rounds = inRange(rounds, 100, "Rounds");
		return this;
	}

	/**
	 * Return the length of one measured round.
	 * @return the duration
	 */
	public Duration window() {
		return this.window;
	}

	/**
	 * Set the length of one measured round, up to 10 minutes.
	 * @param window the duration
	 * @return these options
	 */
	public HarnessOptions window(Duration window) {
		this.window = bounded(window, "seconds");
		return this;
	}

	/**
	 * Return the unmeasured load each peer gets before the rounds of a scenario.
	 * @return the duration, zero for none
	 */
	public Duration warmup() {
		return this.warmup;
	}

	/**
	 * Set the warm-up per peer and scenario, zero for none.
	 * @param warmup the duration
	 * @return these options
	 */
	public HarnessOptions warmup(Duration warmup) {
		this.warmup = warmup.isZero() ? warmup : bounded(warmup, "warmup");
		return this;
	}

	/**
	 * Return the unmeasured time at the start of every round, while its connections open.
	 * @return the duration
	 */
	public Duration roundWarmup() {
		return this.roundWarmup;
	}

	/**
	 * Set the unmeasured time at the start of every round.
	 * @param roundWarmup the duration
	 * @return these options
	 */
	public HarnessOptions roundWarmup(Duration roundWarmup) {
		this.roundWarmup = bounded(roundWarmup, "round warm-up");
		return this;
	}

	/**
	 * Return how long the machine's background load is watched before and after the run, or
	 * zero not to watch it.
	 * @return the duration
	 */
	public Duration backgroundSample() {
		return this.backgroundSample;
	}

	/**
	 * Set how long the background load is watched, zero not to watch it.
	 * @param backgroundSample the duration
	 * @return these options
	 */
	public HarnessOptions backgroundSample(Duration backgroundSample) {
		this.backgroundSample = backgroundSample.isZero() ? backgroundSample : bounded(backgroundSample, "background sample");
		return this;
	}

	/**
	 * Return the number of load generator threads.
	 * @return the threads
	 */
	public int threads() {
		return this.threads;
	}

	/**
	 * Set the number of load generator threads, 1 to 8.
	 * @param threads the threads
	 * @return these options
	 */
	public HarnessOptions threads(int threads) {
		this.threads = inRange(threads, 8, "Threads");
		return this;
	}

	/**
	 * Return the names of the peers to run, or {@code null} for all.
	 * @return the names
	 */
	public List<String> peers() {
		return this.peers;
	}

	/**
	 * Set the names of the peers to run.
	 * @param peers the names
	 * @return these options
	 */
	public HarnessOptions peers(List<String> peers) {
		this.peers = List.copyOf(peers);
		return this;
	}

	/**
	 * Return the scenarios to run.
	 * @return the scenarios
	 */
	public List<Scenario> scenarios() {
		return this.scenarios;
	}

	/**
	 * Set the scenarios to run.
	 * @param scenarios the scenarios
	 * @return these options
	 */
	public HarnessOptions scenarios(List<Scenario> scenarios) {
		this.scenarios = List.copyOf(scenarios);
		return this;
	}

	/**
	 * Return the flags every peer JVM gets.
	 * @return the flags
	 */
	public List<String> jvmFlags() {
		return this.jvmFlags;
	}

	/**
	 * Set the flags every peer JVM gets.
	 * @param jvmFlags the flags
	 * @return these options
	 */
	public HarnessOptions jvmFlags(List<String> jvmFlags) {
		this.jvmFlags = jvmFlags.stream().filter((flag) -> !flag.isBlank()).toList();
		return this;
	}

	/**
	 * Return the folder the report goes to, or {@code null} for none.
	 * @return the folder
	 */
	public Path output() {
		return this.output;
	}

	/**
	 * Set the folder the report goes to, {@code null} for none.
	 * @param output the folder
	 * @return these options
	 */
	public HarnessOptions output(Path output) {
		this.output = output;
		return this;
	}

	/**
	 * Return the sample application's jar: the one given, or the first built one found from
	 * the working directory or its parent.
	 * @return the jar's path, which may not exist
	 */
	public Path sampleAppJar() {
		if (this.sampleAppJar != null) {
			return this.sampleAppJar;
		}
		Path relative = Path.of("sample-app", "target", "sample-app-0.1.0-SNAPSHOT.jar");
		Path parent = Path.of("..").resolve(relative);
		return (!relative.toFile().isFile() && parent.toFile().isFile()) ? parent : relative;
	}

	/**
	 * Set the sample application's jar.
	 * @param sampleAppJar the jar
	 * @return these options
	 */
	public HarnessOptions sampleAppJar(Path sampleAppJar) {
		this.sampleAppJar = sampleAppJar;
		return this;
	}

	/**
	 * Return the Reactor Netty echo application's jar, which startup scenarios hold the
	 * sample app against: the one given, or the built one from the working directory or, for
	 * the benchmarks module's own folder, from there.
	 * @return the jar's path, which may not exist
	 */
	public Path reactorNettyJar() {
		if (this.reactorNettyJar != null) {
			return this.reactorNettyJar;
		}
		return builtJar("reactor-netty-echo");
	}

	/**
	 * Return the jar of the echo application on the connlistener starter alone, which
	 * startup scenarios hold against the Reactor Netty one: the one given, or the built one
	 * from the working directory or, for the benchmarks module's own folder, from there.
	 * @return the jar's path, which may not exist
	 */
	public Path starterEchoJar() {
		return (this.starterEchoJar != null) ? this.starterEchoJar : builtJar("starter-echo");
	}

	/**
	 * Set the jar of the echo application on the connlistener starter alone.
	 * @param starterEchoJar the jar
	 * @return these options
	 */
	public HarnessOptions starterEchoJar(Path starterEchoJar) {
		this.starterEchoJar = starterEchoJar;
		return this;
	}

	private static Path builtJar(String module) {
		Path jar = Path.of(module, "target", module + ".jar");
		Path fromRoot = Path.of("benchmarks").resolve(jar);
		return (!fromRoot.toFile().isFile() && jar.toFile().isFile()) ? jar : fromRoot;
	}

	/**
	 * Set the Reactor Netty echo application's jar.
	 * @param reactorNettyJar the jar
	 * @return these options
	 */
	public HarnessOptions reactorNettyJar(Path reactorNettyJar) {
		this.reactorNettyJar = reactorNettyJar;
		return this;
	}

	/**
	 * Return the arguments these options were parsed from.
	 * @return the arguments, empty for the defaults
	 */
	public List<String> arguments() {
		return this.arguments;
	}

	/**
	 * Return the names of the sweeps of defaults to run, or {@code null} for all.
	 * @return the names, empty for none
	 */
	public List<String> sweeps() {
		return this.sweeps;
	}

	/**
	 * Set the names of the sweeps of defaults to run, empty for none.
	 * @param sweeps the names
	 * @return these options
	 */
	public HarnessOptions sweeps(List<String> sweeps) {
		this.sweeps = List.copyOf(sweeps);
		return this;
	}

	/**
	 * Return the number of measured rounds per scenario and value of a sweep.
	 * @return the rounds
	 */
	public int sweepRounds() {
		return this.sweepRounds;
	}

	/**
	 * Set the number of measured rounds of a sweep, 1 to 100.
	 * @param sweepRounds the rounds
	 * @return these options
	 */
	public HarnessOptions sweepRounds(int sweepRounds) {
		this.sweepRounds = inRange(sweepRounds, 100, "Sweep rounds");
		return this;
	}

	/**
	 * Return the length of one measured round of a sweep.
	 * @return the duration
	 */
	public Duration sweepWindow() {
		return this.sweepWindow;
	}

	/**
	 * Set the length of one measured round of a sweep.
	 * @param sweepWindow the duration
	 * @return these options
	 */
	public HarnessOptions sweepWindow(Duration sweepWindow) {
		this.sweepWindow = bounded(sweepWindow, "sweep-seconds");
		return this;
	}

	/**
	 * Return the unmeasured load each value of a sweep gets before its rounds.
	 * @return the duration, zero for none
	 */
	public Duration sweepWarmup() {
		return this.sweepWarmup;
	}

	/**
	 * Set the warm-up per value of a sweep and scenario, zero for none.
	 * @param sweepWarmup the duration
	 * @return these options
	 */
	public HarnessOptions sweepWarmup(Duration sweepWarmup) {
		this.sweepWarmup = sweepWarmup.isZero() ? sweepWarmup : bounded(sweepWarmup, "sweep warm-up");
		return this;
	}

	private static int inRange(int value, int max, String name) {
		if (value < 1 || value > max) {
			throw new IllegalArgumentException(name + " must be in [1, " + max + "], not " + value);
		}
		return value;
	}

	private static Duration bounded(Duration duration, String name) {
		if (duration.isNegative() || duration.isZero() || duration.compareTo(Duration.ofMinutes(10)) > 0) {
			throw new IllegalArgumentException("'" + name + "' must be in (0, 600] seconds, not " + duration);
		}
		return duration;
	}

	/**
	 * Return the algorithm of the run's TLS server key.
	 * @return the key type
	 */
	public TlsMaterial.KeyType tlsKey() {
		return this.tlsKey;
	}

	/**
	 * Set the algorithm of the run's TLS server key.
	 * @param tlsKey the key type
	 * @return these options
	 */
	public HarnessOptions tlsKey(TlsMaterial.KeyType tlsKey) {
		this.tlsKey = tlsKey;
		return this;
	}

	/**
	 * Return the protocol the TLS clients speak.
	 * @return {@code TLSv1.3} or {@code TLSv1.2}
	 */
	public String tlsProtocol() {
		return this.tlsProtocol;
	}

	/**
	 * Set the protocol the TLS clients speak.
	 * @param tlsProtocol {@code TLSv1.3} or {@code TLSv1.2}
	 * @return these options
	 */
	public HarnessOptions tlsProtocol(String tlsProtocol) {
		this.tlsProtocol = TlsClient.checkProtocol(tlsProtocol);
		return this;
	}

	/**
	 * Return the CPUs every peer runs on, as {@code taskset -c} takes them, or {@code null}
	 * to leave the peers unpinned.
	 * @return the CPU list, for example {@code 0} or {@code 0-3}
	 */
	public String serverCpus() {
		return this.serverCpus;
	}

	/**
	 * Set the CPUs every peer runs on, {@code null} for any.
	 * @param serverCpus a CPU list, for example {@code 0}, {@code 0-3} or {@code 0,2}
	 * @return these options
	 */
	public HarnessOptions serverCpus(String serverCpus) {
		this.serverCpus = (serverCpus != null) ? CpuPinning.checkList(serverCpus, "server-cpus") : null;
		return this;
	}

	/**
	 * Return the CPUs the harness, and so the load generator, runs on, or {@code null} to
	 * leave it unpinned.
	 * @return the CPU list
	 */
	public String clientCpus() {
		return this.clientCpus;
	}

	/**
	 * Set the CPUs the harness runs on, {@code null} for any.
	 * @param clientCpus a CPU list
	 * @return these options
	 */
	public HarnessOptions clientCpus(String clientCpus) {
		this.clientCpus = (clientCpus != null) ? CpuPinning.checkList(clientCpus, "client-cpus") : null;
		return this;
	}

	/**
	 * Return the number of I/O loops the Netty and connlistener peers serve on and the
	 * sample apps' {@code conn-listener.io-threads}, or 0 to run each peer as it is defined.
	 * @return the loops, 0 for the peers' own
	 */
	public int ioThreads() {
		return this.ioThreads;
	}

	/**
	 * Set the number of I/O loops of the Netty and connlistener peers and the sample apps,
	 * 1 to 256, or 0 for the peers' own.
	 * @param ioThreads the loops
	 * @return these options
	 */
	public HarnessOptions ioThreads(int ioThreads) {
		this.ioThreads = (ioThreads == 0) ? 0 : inRange(ioThreads, 256, "I/O threads");
		return this;
	}

	/**
	 * Return the processors the peers may run on: those of {@link #serverCpus()}, or all.
	 * @return the count
	 */
	public int serverProcessors() {
		return (this.serverCpus != null) ? CpuPinning.count(this.serverCpus) : Runtime.getRuntime().availableProcessors();
	}

}
