package io.connlistener.benchmarks;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayDeque;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.connlistener.benchmarks.peers.PeerSupport;

/**
 * A peer running as a child JVM: started with its command, ready once it prints
 * {@code READY <port>} (or, for a Spring Boot application, once Boot's {@code Started ...}
 * line follows the starter's {@code Conn listeners started: 'echo' on 127.0.0.1:<port>}),
 * and always destroyed: by {@link #close()}, and by a shutdown
 * hook for every peer still alive when the harness exits.
 * <p>
 * Reads the peer's CPU time and resident memory from {@code /proc}, and its heap through
 * {@code jcmd}.
 * <p>
 * Thread-safe.
 */
final class PeerProcess implements AutoCloseable {

	private static final Set<PeerProcess> alive = ConcurrentHashMap.newKeySet();


	private static final Pattern HEAP_USED = Pattern.compile("heap\\s+total\\s+\\d+K,\\s+used\\s+(\\d+)K");

	private static final int OUTPUT_LINES_KEPT = 40;

	/**
	 * Longest wait for the rest of an exited peer's output: a process of its own that
	 * inherited the pipe may hold it open.
	 */
	private static final Duration OUTPUT_END_WAIT = Duration.ofSeconds(5);

	private static final long CLOCK_TICKS_PER_SECOND = 100;

	static {
		Runtime.getRuntime().addShutdownHook(new Thread(() -> alive.forEach(PeerProcess::close), "peer-reaper"));
	}

	private final String name;

	private final Process process;

	private final CompletableFuture<Integer> ready = new CompletableFuture<>();

	private final ArrayDeque<String> output = new ArrayDeque<>();

	private final CountDownLatch outputEnded = new CountDownLatch(1);

	private final boolean readsStop;

	/** The starter's line once its listeners are bound: the port the loaded listener was given. */
	private final Pattern listenerStarted;

	private PeerProcess(String name, Process process, boolean application, String listener) {
		this.name = name;
		this.process = process;
		this.readsStop = !application;
		this.listenerStarted = Pattern.compile(
				"Conn listeners started: .*'" + Pattern.quote(listener) + "' on (?:\\[[^\\]]*\\]|[^\\s:,]+):(\\d+)");
		Thread reader = new Thread(() -> readOutput(application), "peer-output-" + name);
		reader.setDaemon(true);
		reader.start();
		process.onExit()
			.thenRun(() -> this.ready.completeExceptionally(new IOException(
					"Peer '" + name + "' exited with status " + process.exitValue() + " before it was ready")));
	}

	/**
	 * Start a peer.
	 * @param name the peer's name, for messages
	 * @param command the command line
	 * @param application whether the peer is a Spring Boot application, which logs its
	 * port rather than printing a {@code READY} line
	 * @return the running peer
	 * @throws IOException if the process cannot be started
	 */
	static PeerProcess start(String name, List<String> command, boolean application) throws IOException {
		return start(name, command, application, PeerDefinition.LISTENER);
	}

	/**
	 * Start a peer whose port is that of the given listener, for a Spring Boot application.
	 * @param name the peer's name, for messages
	 * @param command the command line
	 * @param application whether the peer is a Spring Boot application
	 * @param listener the listener whose port the peer is loaded on
	 * @return the running peer
	 * @throws IOException if the process cannot be started
	 */
	static PeerProcess start(String name, List<String> command, boolean application, String listener)
			throws IOException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		PeerProcess peer = new PeerProcess(name, process, application, listener);
		alive.add(peer);
		return peer;
	}

	private void readOutput(boolean application) {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			Integer port = null;
			while ((line = reader.readLine()) != null) {
				keep(line);
				Matcher started = this.listenerStarted.matcher(line);
				if (!application && line.startsWith(PeerSupport.READY + " ")) {
					this.ready.complete(Integer.parseInt(line.substring(PeerSupport.READY.length() + 1).trim()));
				}
				else if (application && started.find()) {
					port = Integer.valueOf(started.group(1));
				}
				else if (application && port != null && line.contains(" Started ")) {
					// Ready once the application is, not once the port is bound: it accepts from then.
					this.ready.complete(port);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			this.ready.completeExceptionally(ex);
		}
		finally {
			this.outputEnded.countDown();
		}
	}

	private synchronized void keep(String line) {
		if (this.output.size() == OUTPUT_LINES_KEPT) {
			this.output.removeFirst();
		}
		this.output.addLast(line);
	}

	/**
	 * Return the last lines the peer printed.
	 * @return the lines, joined
	 */
	synchronized String outputTail() {
		return String.join(System.lineSeparator(), this.output);
	}

	/**
	 * Return the last lines of a peer that has exited, once what it printed has been read:
	 * its exit can be seen before the reader has taken its last lines from the pipe.
	 * @return the lines, joined
	 * @throws InterruptedException if interrupted while waiting for the output's end
	 */
	String outputTailAfterExit() throws InterruptedException {
		this.outputEnded.await(OUTPUT_END_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		return outputTail();
	}

	/**
	 * Wait until the peer listens.
	 * @param timeout how long to wait
	 * @return the peer's port on 127.0.0.1
	 * @throws IOException if the peer exited, failed or was not ready in time
	 * @throws InterruptedException if interrupted
	 */
	int awaitReady(Duration timeout) throws IOException, InterruptedException {
		try {
			return this.ready.get(timeout.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException ex) {
			// Exited, or its output failed: either way the output has ended or is ending.
			throw new IOException(ex.getCause().getMessage() + "; its last output:\n" + outputTailAfterExit(),
					ex.getCause());
		}
		catch (TimeoutException ex) {
			throw new IOException("Peer '" + this.name + "' was not ready within " + timeout.toSeconds()
					+ " s; its last output:\n" + outputTail());
		}
	}

	String name() {
		return this.name;
	}

	long pid() {
		return this.process.pid();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	/**
	 * Return the CPU time (user and system) the peer has used so far.
	 * @return nanoseconds, or -1 if {@code /proc} cannot tell
	 */
	long cpuNanos() {
		try {
			String stat = Files.readString(Path.of("/proc", String.valueOf(pid()), "stat"));
			String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
			// Fields 14 and 15 of proc(5), utime and stime, are 11 and 12 after the name.
			long ticks = Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
			return ticks * (TimeUnit.SECONDS.toNanos(1) / CLOCK_TICKS_PER_SECOND);
		}
		catch (IOException | RuntimeException ex) {
			return -1;
		}
	}

	/**
	 * Return the peer's resident set size.
	 * @return bytes, or -1 if {@code /proc} cannot tell
	 */
	long residentBytes() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc", String.valueOf(pid()), "status"))) {
				if (line.startsWith("VmRSS:")) {
					return Long.parseLong(line.substring(6).trim().split("\\s+")[0]) * 1024;
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Reported as unknown.
		}
		return -1;
	}

	/**
	 * Collect the peer's garbage ({@code jcmd PID GC.run}) and return its used heap
	 * ({@code jcmd PID GC.heap_info}).
	 * @return bytes, or -1 if {@code jcmd} cannot tell
	 * @throws InterruptedException if interrupted
	 */
	long heapUsedAfterGc() throws InterruptedException {
		if (jcmd("GC.run") == null) {
			return -1;
		}
		String info = jcmd("GC.heap_info");
		Matcher matcher = (info != null) ? HEAP_USED.matcher(info) : null;
		return (matcher != null && matcher.find()) ? Long.parseLong(matcher.group(1)) * 1024 : -1;
	}

	private String jcmd(String command) throws InterruptedException {
		Path jcmd = Path.of(System.getProperty("java.home"), "bin", "jcmd");
		Path out = null;
		try {
			out = Files.createTempFile("jcmd-", ".txt");
			Process process = new ProcessBuilder(jcmd.toString(), String.valueOf(pid()), command)
				.redirectErrorStream(true)
				.redirectOutput(out.toFile())
				.start();
			try {
				if (!process.waitFor(30, TimeUnit.SECONDS) || process.exitValue() != 0) {
					return null;
				}
				return Files.readString(out);
			}
			finally {
				process.destroyForcibly();
			}
		}
		catch (IOException ex) {
			return null;
		}
		finally {
			if (out != null) {
				try {
					Files.deleteIfExists(out);
				}
				catch (IOException ex) {
					// A temporary file left behind is harmless.
				}
			}
		}
	}

	/**
	 * Ask a peer of this module to stop (a {@code STOP} line, then end of its input), or
	 * terminate an application jar ({@code SIGTERM}, its graceful shutdown); destroy it by
	 * force if it has not exited within a few seconds.
	 */
	@Override
	public void close() {
		try {
			try (OutputStream in = this.process.getOutputStream()) {
				if (this.readsStop) {
					in.write("STOP\n".getBytes(StandardCharsets.US_ASCII));
				}
			}
			catch (IOException ex) {
				// Already gone.
			}
			// A peer of ours exits on STOP; an application jar gets SIGTERM at once.
			if (!this.readsStop || !this.process.waitFor(5, TimeUnit.SECONDS)) {
				this.process.descendants().forEach(ProcessHandle::destroy);
				this.process.destroy();
				if (!this.process.waitFor(5, TimeUnit.SECONDS)) {
					this.process.descendants().forEach(ProcessHandle::destroyForcibly);
					this.process.destroyForcibly();
				}
			}
		}
		catch (InterruptedException ex) {
			this.process.destroyForcibly();
			Thread.currentThread().interrupt();
		}
		finally {
			alive.remove(this);
		}
	}

}
