package io.connlistener.boot.listener;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.connlistener.boot.testsupport.ChildApplications;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.testsupport.ChildProcesses;
import io.connlistener.testsupport.Figures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Ends an application on the starter, in a child JVM ({@link ShutdownChild}), with SIGTERM
 * as a service manager does, after its handlers switched their listener on the loop threads
 * and while a handler blocks its loop for good: the process must end within the shutdown
 * phase's timeout and a bounded margin either way.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class ShutdownTests {

	private static final Duration PHASE_TIMEOUT = Duration.ofSeconds(2);

	/** What the JVM may take beyond the phase timeout: handler threads and loops (1 s each), exit. */
	private static final Duration MARGIN = Duration.ofSeconds(8);

	private final List<LoopbackClient> clients = new ArrayList<>();

	private Process child;

	private List<String> output;

	@AfterEach
	void stopChild() throws InterruptedException {
		this.clients.forEach(LoopbackClient::close);
		if (this.child != null && this.child.isAlive()) {
			this.child.destroyForcibly();
			this.child.waitFor(10, TimeUnit.SECONDS);
		}
	}

	@ParameterizedTest(name = "acceptors: {0}")
	@ValueSource(ints = { 1, 2 })
	void sigtermEndsTheProcessAfterHandlersSwitchedTheirListenerOnLoopThreads(int acceptors) throws Exception {
		int port = start("--conn-listener.listeners.echo.unbind-on-disable=true",
				"--conn-listener.listeners.echo.acceptors=" + acceptors);
		for (int i = 0; i < 8; i++) {
			this.clients.add(LoopbackClient.connect(new InetSocketAddress("127.0.0.1", port)));
		}
		ExecutorService senders = Executors.newFixedThreadPool(this.clients.size());
		try {
			List<Future<?>> sending = new ArrayList<>();
			for (LoopbackClient client : this.clients) {
				sending.add(senders.submit(() -> {
					for (int i = 0; i < 25; i++) {
						assertThat(client.exchange("toggle")).isEqualTo("toggle");
					}
				}));
			}
			for (Future<?> future : sending) {
				future.get(30, TimeUnit.SECONDS);
			}
		}
		finally {
			senders.shutdownNow();
		}
		long millis = terminate();
		Figures.record("sigterm-after-switching", "acceptors %d: 200 disable+enable on loop threads with "
				+ "unbind-on-disable, then SIGTERM: exited in %d ms (exit code %d, phase timeout %d ms)", acceptors,
				millis, this.child.exitValue(), PHASE_TIMEOUT.toMillis());
	}

	@Test
	void sigtermEndsTheProcessWithinTheShutdownTimeoutWhileAHandlerBlocksItsLoop() throws Exception {
		int port = start();
		LoopbackClient stuck = LoopbackClient.connect(new InetSocketAddress("127.0.0.1", port));
		this.clients.add(stuck);
		assertThat(stuck.exchange("before")).isEqualTo("before");
		stuck.send("hang\n");
		LoopbackClient other = LoopbackClient.connect(new InetSocketAddress("127.0.0.1", port));
		this.clients.add(other);
		long millis = terminate();
		// The output is read on a thread of its own, until the end of the stream it is reaching.
		// The stuck connection, and the other one if the stuck loop is not the one that accepts.
		await().atMost(Duration.ofSeconds(10)).until(() -> this.output.stream()
			.anyMatch((line) -> line.matches(".*Listener 'echo' closed [12] connections? still open after the shutdown "
					+ "grace period of 1800 ms.*")));
		Figures.record("sigterm-stuck-handler", "a buffered handler blocks its loop for good, then SIGTERM: exited "
				+ "in %d ms (exit code %d, phase timeout %d ms)", millis, this.child.exitValue(),
				PHASE_TIMEOUT.toMillis());
	}

	private int start(String... args) throws Exception {
		List<String> command = ChildApplications.command(ShutdownChild.class,
				"--spring.lifecycle.timeout-per-shutdown-phase=" + PHASE_TIMEOUT.toMillis() + "ms");
		command.addAll(List.of(args));
		this.child = new ProcessBuilder(command).redirectErrorStream(true).start();
		this.output = ChildProcesses.captureOutput(this.child, "shutdown-child-output");
		await().atMost(Duration.ofSeconds(60))
			.until(() -> this.output.stream().anyMatch((line) -> line.startsWith("PORT ")) || !this.child.isAlive());
		assertThat(this.child.isAlive()).as("child running; output:%n%s", String.join("\n", this.output)).isTrue();
		String line = this.output.stream().filter((candidate) -> candidate.startsWith("PORT ")).findFirst().get();
		return Integer.parseInt(line.substring(5).trim());
	}

	/**
	 * Send SIGTERM and wait for the process to end; return how long it took.
	 */
	private long terminate() throws InterruptedException {
		long start = System.nanoTime();
		// SIGTERM: the JVM runs its shutdown hooks, and Spring Boot's closes the context. Through
		// the handle, as Process.destroy() also closes the pipe the child's last lines come on.
		this.child.toHandle().destroy();
		boolean ended = this.child.waitFor(PHASE_TIMEOUT.plus(MARGIN).toMillis(), TimeUnit.MILLISECONDS);
		long millis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		assertThat(ended).as("ended within %s after SIGTERM; output:%n%s", PHASE_TIMEOUT.plus(MARGIN),
				String.join("\n", this.output)).isTrue();
		return millis;
	}

}
