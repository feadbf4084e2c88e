package io.connlistener.sample;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.connlistener.testsupport.ChildProcesses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app's runnable jar in a child JVM, optionally under a low {@code ulimit -n} or
 * on its AOT-processed bean definitions, with its output kept for assertions.
 */
final class SampleAppProcess implements AutoCloseable {

	private static final long CLOCK_TICKS_PER_SECOND = 100;

	private static final String AOT_ENABLED = "-Dspring.aot.enabled=true";

	private final Process process;

	// Not copy-on-write: a chatty app logs thousands of lines, and a reader that falls behind
	// fills the pipe and stalls the app.
	private final List<String> output;

	final int echoPort;

	final int httpPort;

	SampleAppProcess(int fileLimit, String... extraArgs) throws IOException {
		this(null, fileLimit, List.of(), true, extraArgs);
	}

	/**
	 * Start the sample app with a listening socket on {@link #echoPort} as its standard
	 * input, as systemd's {@code StandardInput=socket} and inetd pass it, made by a small
	 * Perl launcher that binds, listens, moves the socket to descriptor 0 and execs the JVM.
	 * The echo listener adopts it with {@code inherited: true}.
	 * @param launcher the Perl script
	 * @param extraArgs more arguments for the app
	 * @return the running app
	 */
	static SampleAppProcess withInheritedSocket(Path launcher, String... extraArgs) throws IOException {
		return new SampleAppProcess(launcher, 1024, List.of(), true, extraArgs);
	}

	/**
	 * Start the sample app on the AOT-processed bean definitions its jar carries: the same
	 * jar, with {@code -Dspring.aot.enabled=true}.
	 * @param extraArgs more arguments for the app
	 * @return the running app
	 */
	static SampleAppProcess aotProcessed(String... extraArgs) throws IOException {
		return new SampleAppProcess(null, 1024, List.of(AOT_ENABLED), true, extraArgs);
	}

	/**
	 * Start the AOT-processed sample app with arguments it is expected to refuse, without
	 * waiting for it to start; wait for what it logs, then {@link #exitCode()}.
	 * @param extraArgs more arguments for the app
	 * @return the app, starting or ended
	 */
	static SampleAppProcess aotProcessedRefusing(String... extraArgs) throws IOException {
		return new SampleAppProcess(null, 1024, List.of(AOT_ENABLED), false, extraArgs);
	}

	private SampleAppProcess(Path inheritedSocketLauncher, int fileLimit, List<String> jvmOptions, boolean awaitStart,
			String... extraArgs) throws IOException {
		String jar = System.getProperty("sample.jar");
		assertThat(jar).as("system property sample.jar (set by failsafe)").isNotNull();
		assertThat(Path.of(jar)).exists();
		this.echoPort = ChildProcesses.freePort();
		this.httpPort = ChildProcesses.freePort();
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		String launch = (inheritedSocketLauncher != null)
				? "perl '" + inheritedSocketLauncher + "' " + this.echoPort + " '" + java + "'" : "'" + java + "'";
		String echo = (inheritedSocketLauncher != null)
				? " --conn-listener.listeners.echo.inherited=true --conn-listener.listeners.echo.port=" + this.echoPort
				: " --conn-listener.listeners.echo.port=" + this.echoPort;
		StringBuilder command = new StringBuilder("ulimit -n " + fileLimit + " && exec " + launch + " "
				+ String.join(" ", jvmOptions) + " -Xmx256m -XX:TieredStopAtLevel=1 -jar '" + jar + "'" + echo
				+ " --conn-listener.listeners.echo.address=127.0.0.1 --conn-listener.listeners.commands.port=0"
				+ " --server.port=" + this.httpPort
				+ " --server.address=127.0.0.1");
		for (String arg : extraArgs) {
			command.append(' ').append(arg);
		}
		this.process = new ProcessBuilder("bash", "-c", command.toString()).redirectErrorStream(true).start();
		this.output = ChildProcesses.captureOutput(this.process, "sample-app-output");
		if (!awaitStart) {
			return;
		}
		await().atMost(Duration.ofSeconds(60)).until(() -> logged("Started SampleApplication") || !this.process.isAlive());
		assertThat(this.process.isAlive()).as("sample app running; output:%n%s", String.join("\n", lines())).isTrue();
	}

	/**
	 * Stop the app as a service manager does (SIGTERM) and wait for it to exit.
	 * @return the exit code
	 */
	int stop() throws InterruptedException {
		try {
			// Process.destroy() here ended the JVM without running its shutdown hooks; kill(1)
			// sends the SIGTERM a service manager sends.
			new ProcessBuilder("kill", "-TERM", Long.toString(this.process.pid())).inheritIO().start().waitFor();
		}
		catch (IOException ex) {
			this.process.destroy();
		}
		if (!this.process.waitFor(30, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
		return this.process.exitValue();
	}

	/**
	 * Wait for the app to exit by itself, as one that fails to start does.
	 * @return the exit code
	 */
	int exitCode() throws InterruptedException {
		assertThat(this.process.waitFor(30, TimeUnit.SECONDS)).as("sample app exited; output:%n%s", output()).isTrue();
		return this.process.exitValue();
	}

	boolean isAlive() {
		return this.process.isAlive();
	}

	String output() {
		return String.join("\n", lines());
	}

	boolean logged(String text) {
		return lines().stream().anyMatch((line) -> line.contains(text));
	}

	long count(String text) {
		return lines().stream().filter((line) -> line.contains(text)).count();
	}

	private List<String> lines() {
		return new ArrayList<>(this.output);
	}

	/**
	 * Return the child's user plus system CPU time in clock ticks, from /proc/PID/stat.
	 */
	long cpuTicks() throws IOException {
		String stat = Files.readString(Path.of("/proc", Long.toString(this.process.pid()), "stat"));
		String[] fields = stat.substring(stat.lastIndexOf(')') + 2).split(" ");
		return Long.parseLong(fields[11]) + Long.parseLong(fields[12]);
	}

	static double cpuPercent(long ticks, double seconds) {
		return 100.0 * ticks / CLOCK_TICKS_PER_SECOND / seconds;
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(20, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
		}
	}

}
