package io.connlistener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

import io.connlistener.testsupport.Figures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Runs a listener in a child JVM with {@code ulimit -n 256}, opens more connections than it
 * has descriptors, and checks that it neither spins nor stays stuck: libevent#71's busy loop
 * on {@code EMFILE} is what this guards against. Without a spare file descriptor the clients
 * beyond the limit wait in the listen queue; with one they are closed at once. The child
 * logs to its standard error, kept in {@code target/fd-exhaustion-*.log}.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class FdExhaustionTests {

	private static final int FD_LIMIT = 256;

	private static final int CLIENTS = 400;

	private static final Duration STORM_WINDOW = Duration.ofSeconds(3);

	private static final long CLOCK_TICKS_PER_SECOND = 100;

	private static final int STORM_BATCHES = 3;

	private static final int STORM_BATCH_CLIENTS = 20;

	/** The longest backoff pause (the default) plus room for a loaded, shared machine. */
	private static final Duration PROMPT_CLOSE_BOUND = Duration.ofMillis(1000 + 2000);

	private final List<Socket> clients = new ArrayList<>();

	private Process child;

	private Path childLog;

	private BufferedReader childOut;

	private PrintWriter childIn;

	@AfterEach
	void stop() throws Exception {
		for (Socket client : this.clients) {
			client.close();
		}
		stopChild();
	}

	@Test
	void runningOutOfFileDescriptorsPausesAcceptingWithoutSpinningAndRecovers() throws Exception {
		int port = startChild("no-spare");
		InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
		for (int i = 0; i < CLIENTS; i++) {
			this.clients.add(Loopback.connect(address));
		}
		await().atMost(Duration.ofSeconds(30)).until(() -> stats().get("emfile") > 0);

		Map<String, Long> before = stats();
		long cpuBefore = childCpuTicks();
		long start = System.nanoTime();
		// A measurement window, not synchronization: the child is left alone in its storm.
		LockSupport.parkNanos(STORM_WINDOW.toNanos());
		long cpuAfter = childCpuTicks();
		double seconds = (System.nanoTime() - start) / 1e9;
		Map<String, Long> after = stats();
		double cpuPercent = 100.0 * (cpuAfter - cpuBefore) / CLOCK_TICKS_PER_SECOND / seconds;
		double attemptsPerSecond = (after.get("errors") - before.get("errors")) / seconds;
		long held = after.get("accepted");

		assertThat(after.get("emfile")).isEqualTo(after.get("errors"));
		assertThat(after.get("callbacks")).isEqualTo(after.get("errors"));
		assertThat(after.get("paused")).isEqualTo(1);
		assertThat(after.get("backoffMs")).isBetween(50L, 1000L);
		// A loop that spins on EMFILE burns a whole core and fails thousands of accepts a second.
		assertThat(attemptsPerSecond).isLessThan(20);
		assertThat(cpuPercent).isLessThan(25);

		long releaseStart = System.nanoTime();
		command("release", "RELEASED");
		await().atMost(Duration.ofSeconds(10)).until(() -> stats().get("accepted") == CLIENTS);
		Duration recovery = Duration.ofNanos(System.nanoTime() - releaseStart);
		assertThat(recovery).isLessThan(Duration.ofMillis(1000 + 500));
		this.clients.add(Loopback.connect(address));
		await().atMost(Duration.ofSeconds(5)).until(() -> stats().get("accepted") == CLIENTS + 1);

		assertOneEpisodeLogged();
		Figures.record("fd-exhaustion", "ulimit -n %d, %d clients, %d held before EMFILE; during a %.1f s storm: "
				+ "%.1f failed accepts/s, child CPU %.1f%%, backoff %d ms; all %d accepted %d ms after release",
				FD_LIMIT, CLIENTS, held, seconds, attemptsPerSecond, cpuPercent, after.get("backoffMs"), CLIENTS,
				recovery.toMillis());
	}

	@Test
	void spareFileDescriptorClosesClientsBeyondTheLimitPromptlyWithoutSpinning() throws Exception {
		int port = startChild("spare");
		InetSocketAddress address = new InetSocketAddress(InetAddress.getLoopbackAddress(), port);
		for (int i = 0; i < CLIENTS; i++) {
			this.clients.add(Loopback.connect(address));
		}
		long lastConnected = System.nanoTime();
		await().atMost(Duration.ofSeconds(30)).until(() -> {
			Map<String, Long> stats = stats();
			return stats.get("active") + stats.get("nofd") == CLIENTS;
		});
		Map<String, Long> initial = stats();
		int held = Math.toIntExact(initial.get("active"));
		assertThat(held).isGreaterThan(FD_LIMIT / 2).isLessThan(FD_LIMIT);
		assertThat(initial.get("handed")).isEqualTo(held);
		assertThat(initial.get("emfile")).isPositive();
		// Accepted in the order they connected: the first ones are held, every later one is closed.
		for (int i = held; i < CLIENTS; i++) {
			assertThat(this.clients.get(i).getInputStream().read()).as("client %d", i).isEqualTo(-1);
		}
		Duration lastClosed = Duration.ofNanos(System.nanoTime() - lastConnected);
		await().atMost(Duration.ofSeconds(5)).until(() -> stats().get("spare") == 1);

		Map<String, Long> before = stats();
		long cpuBefore = childCpuTicks();
		long start = System.nanoTime();
		long worstClose = 0;
		for (int batch = 0; batch < STORM_BATCHES; batch++) {
			long batchStart = System.nanoTime();
			worstClose = Math.max(worstClose, connectAndAwaitClose(address, STORM_BATCH_CLIENTS));
			// A load shape, not synchronization: one batch of clients a second.
			LockSupport.parkNanos(Math.max(0, batchStart + TimeUnit.SECONDS.toNanos(1) - System.nanoTime()));
		}
		long cpuAfter = childCpuTicks();
		double seconds = (System.nanoTime() - start) / 1e9;
		Map<String, Long> after = stats();
		double cpuPercent = 100.0 * (cpuAfter - cpuBefore) / CLOCK_TICKS_PER_SECOND / seconds;
		double attemptsPerSecond = (after.get("errors") - before.get("errors")) / seconds;

		assertThat(after.get("nofd") - before.get("nofd")).isEqualTo(STORM_BATCHES * STORM_BATCH_CLIENTS);
		assertThat(after.get("handed")).isEqualTo(held);
		assertThat(after.get("emfile")).isEqualTo(after.get("errors"));
		assertThat(Duration.ofNanos(worstClose)).isLessThan(PROMPT_CLOSE_BOUND);
		assertThat(attemptsPerSecond).isLessThan(20);
		assertThat(cpuPercent).isLessThan(25);

		command("release", "RELEASED");
		this.clients.add(Loopback.connect(address));
		await().atMost(Duration.ofSeconds(5)).until(() -> stats().get("handed") == held + 1);
		assertThat(stats().get("spare")).isEqualTo(1);

		assertOneEpisodeLogged();
		Figures.record("spare-fd", "ulimit -n %d, %d clients, %d held, %d closed at once (last %d ms after the last "
				+ "connect); storm of %d x %d clients over %.1f s: worst close %d ms after connect, %.1f failed "
				+ "accepts/s, child CPU %.1f%%; accepting again after release", FD_LIMIT, CLIENTS, held,
				CLIENTS - held, lastClosed.toMillis(), STORM_BATCHES, STORM_BATCH_CLIENTS, seconds,
				TimeUnit.NANOSECONDS.toMillis(worstClose), attemptsPerSecond, cpuPercent);
	}

	/**
	 * Stop the child and check its log: one warning when accepting failed and one line when
	 * it recovered, however many accepts failed in between.
	 */
	private void assertOneEpisodeLogged() throws Exception {
		stopChild();
		List<String> log = Files.readAllLines(this.childLog);
		assertThat(log).as("warnings in %s", this.childLog.toAbsolutePath())
			.filteredOn((line) -> line.startsWith("WARNING: ") && line.contains(" cannot accept (too-many-open-files: "))
			.hasSize(1);
		assertThat(log).as("recoveries in %s", this.childLog.toAbsolutePath())
			.filteredOn((line) -> line.startsWith("INFO: ") && line.contains(" is accepting again after "))
			.hasSize(1);
	}

	/**
	 * Connect clients and wait for the listener to close each; return the longest time from
	 * a client's connect to its end of stream, in nanoseconds.
	 */
	private long connectAndAwaitClose(InetSocketAddress address, int count) throws IOException {
		List<Socket> batch = new ArrayList<>();
		long[] connected = new long[count];
		for (int i = 0; i < count; i++) {
			Socket client = Loopback.connect(address);
			connected[i] = System.nanoTime();
			this.clients.add(client);
			batch.add(client);
		}
		long worst = 0;
		for (int i = 0; i < count; i++) {
			assertThat(batch.get(i).getInputStream().read()).as("storm client %d", i).isEqualTo(-1);
			worst = Math.max(worst, System.nanoTime() - connected[i]);
		}
		return worst;
	}

	private int startChild(String spare) throws IOException {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		String classpath = location(ConnListener.class) + ":" + location(FdExhaustionChild.class);
		String command = "ulimit -n " + FD_LIMIT + " && exec '" + java + "' -Xmx64m -XX:+UseSerialGC -XX:TieredStopAtLevel=1"
				+ " -cp '" + classpath + "' " + FdExhaustionChild.class.getName() + " " + spare;
		// java.util.logging's default handler writes to standard error: a file, not the build's console.
		this.childLog = Path.of("target", "fd-exhaustion-" + spare + ".log");
		this.child = new ProcessBuilder("bash", "-c", command).redirectError(this.childLog.toFile()).start();
		this.childOut = new BufferedReader(new InputStreamReader(this.child.getInputStream(), StandardCharsets.UTF_8));
		this.childIn = new PrintWriter(this.child.getOutputStream(), true, StandardCharsets.UTF_8);
		String line = this.childOut.readLine();
		assertThat(line).as("child's first line").startsWith("PORT ");
		return Integer.parseInt(line.substring(5).trim());
	}

	private void stopChild() throws InterruptedException {
		if (this.child != null) {
			this.childIn.println("exit");
			this.childIn.flush();
			if (!this.child.waitFor(10, TimeUnit.SECONDS)) {
				this.child.destroyForcibly();
			}
			this.child = null;
		}
	}

	private Map<String, Long> stats() throws IOException {
		String line = command("stats", "STATS ");
		Map<String, Long> stats = new HashMap<>();
		for (String field : line.substring(6).split(" ")) {
			String[] pair = field.split("=");
			stats.put(pair[0], switch (pair[1]) {
				case "true" -> 1L;
				case "false" -> 0L;
				default -> Long.parseLong(pair[1]);
			});
		}
		return stats;
	}

	private String command(String command, String replyPrefix) throws IOException {
		this.childIn.println(command);
		String line;
		while ((line = this.childOut.readLine()) != null) {
			if (line.startsWith(replyPrefix)) {
				return line;
			}
		}
		throw new IOException("Child ended before answering '" + command + "'");
	}

	/**
	 * Return the child's user plus system CPU time in clock ticks, from /proc/PID/stat.
	 */
	private long childCpuTicks() throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(this.child.pid()), "stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		// After the command name: state is field 3, so utime (14) and stime (15) sit at 11 and 12.
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	private static String location(Class<?> type) {
		try {
			return Path.of(type.getProtectionDomain().getCodeSource().getLocation().toURI()).toString();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
