package io.connlistener.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.BitSet;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.regex.Pattern;

/**
 * Pins the peers and the load generator to disjoint CPU sets with {@code taskset}, so that
 * on a machine with few cores the scheduler no longer decides who gets a core: each peer
 * starts behind {@code taskset -c SERVER_CPUS}, and the harness (its load threads included)
 * pins itself with {@code taskset -a -p -c CLIENT_CPUS}.
 * <p>
 * Without {@code taskset}, or when it refuses a CPU list, the run goes on unpinned and says
 * why. Immutable.
 */
final class CpuPinning {

	private static final Pattern LIST = Pattern.compile("\\d+(-\\d+)?(,\\d+(-\\d+)?)*");

	private static final String TASKSET = "taskset";

	private final List<String> serverPrefix;

	private final String description;

	private final String problem;

	private CpuPinning(List<String> serverPrefix, String description, String problem) {
		this.serverPrefix = List.copyOf(serverPrefix);
		this.description = description;
		this.problem = problem;
	}

	/**
	 * Check a CPU list as {@code taskset -c} takes it.
	 * @param list for example {@code 0}, {@code 0-3} or {@code 0,2-3}
	 * @param option the option it came from, for the message
	 * @return the list
	 */
	static String checkList(String list, String option) {
		if (!LIST.matcher(list).matches()) {
			throw new IllegalArgumentException("'" + option + "' must be a CPU list such as 0, 0-3 or 0,2-3, not '" + list + "'");
		}
		count(list);
		return list;
	}

	/**
	 * Return the CPUs of a list.
	 * @param list a CPU list
	 * @return the set
	 */
	static BitSet cpus(String list) {
		BitSet cpus = new BitSet();
		for (String range : list.split(",")) {
			int dash = range.indexOf('-');
			int from = Integer.parseInt((dash < 0) ? range : range.substring(0, dash));
			int to = (dash < 0) ? from : Integer.parseInt(range.substring(dash + 1));
			if (to < from || to > 4095) {
				throw new IllegalArgumentException("CPU range '" + range + "' is empty or beyond CPU 4095");
			}
			cpus.set(from, to + 1);
		}
		return cpus;
	}

	/**
	 * Return how many CPUs a list names.
	 * @param list a CPU list
	 * @return the count
	 */
	static int count(String list) {
		return cpus(list).cardinality();
	}

	/**
	 * Pin this process to the options' client CPUs, and return how to pin the peers to their
	 * server CPUs: nothing to do if neither is set; unpinned, with the reason, if the sets
	 * overlap or {@code taskset} is missing or refuses them.
	 * @param options the run's options
	 * @return the pinning
	 * @throws InterruptedException if interrupted while {@code taskset} runs
	 */
	static CpuPinning apply(HarnessOptions options) throws InterruptedException {
		String server = options.serverCpus();
		String client = options.clientCpus();
		if (server == null && client == null) {
			return new CpuPinning(List.of(), "none: the scheduler places the peers and the load generator", null);
		}
		if (server != null && client != null && cpus(server).intersects(cpus(client))) {
			return unpinned("the server CPUs " + server + " and the client CPUs " + client + " overlap");
		}
		if (!onPath(TASKSET)) {
			return unpinned("taskset is not installed (util-linux)");
		}
		if (server != null) {
			String refused = run(List.of(TASKSET, "-c", server, "true"));
			if (refused != null) {
				return unpinned("taskset -c " + server + " failed: " + refused);
			}
		}
		if (client != null) {
			String refused = run(List.of(TASKSET, "-a", "-p", "-c", client, String.valueOf(ProcessHandle.current().pid())));
			if (refused != null) {
				return unpinned("taskset -a -p -c " + client + " failed: " + refused);
			}
		}
		List<String> prefix = (server != null) ? List.of(TASKSET, "-c", server) : List.of();
		return new CpuPinning(prefix, "peers on CPUs " + ((server != null) ? server : "any") + " (`taskset -c`), the harness "
				+ "and its load generator on CPUs " + ((client != null) ? client : "any"), null);
	}

	private static CpuPinning unpinned(String reason) {
		return new CpuPinning(List.of(), "none, although asked for: " + reason, "Ran unpinned: " + reason);
	}

	private static boolean onPath(String command) {
		String path = System.getenv("PATH");
		if (path == null) {
			return false;
		}
		for (String folder : path.split(":")) {
			if (!folder.isEmpty() && Files.isExecutable(Path.of(folder, command))) {
				return true;
			}
		}
		return false;
	}

	/**
	 * Run a command to its end.
	 * @return {@code null} if it exited with 0, else its output or why it did not run
	 */
	private static String run(List<String> command) throws InterruptedException {
		try {
			Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
			try {
				if (!process.waitFor(10, TimeUnit.SECONDS)) {
					return "did not finish within 10 s";
				}
				String output = new String(process.getInputStream().readAllBytes()).trim();
				return (process.exitValue() == 0) ? null : "exit " + process.exitValue() + ": " + output;
			}
			finally {
				process.destroyForcibly();
			}
		}
		catch (IOException ex) {
			return ex.getMessage();
		}
	}

	/**
	 * Put the pinning of the peers in front of a peer's command.
	 * @param command the peer's command
	 * @return the command to start
	 */
	List<String> pin(List<String> command) {
		if (this.serverPrefix.isEmpty()) {
			return command;
		}
		List<String> pinned = new ArrayList<>(this.serverPrefix);
		pinned.addAll(command);
		return pinned;
	}

	/**
	 * Describe the pinning, for the report.
	 * @return the description
	 */
	String describe() {
		return this.description;
	}

	/**
	 * Return why the run is unpinned although pinning was asked for.
	 * @return the problem, or {@code null}
	 */
	String problem() {
		return this.problem;
	}

}
