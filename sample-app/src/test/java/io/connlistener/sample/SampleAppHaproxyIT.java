package io.connlistener.sample;

import java.net.InetSocketAddress;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.TimeUnit;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.connlistener.boot.test.ConnListenerClient;
import io.connlistener.testsupport.Figures;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A real load balancer in front of two instances of the sample app jar: HAProxy on
 * loopback, a PROXY protocol v2 header on every connection, health checks every 200 ms.
 * The instances require the header from 127.0.0.1, and release their port when disabled
 * ({@code unbind-on-disable}) so that nothing waits in a queue nobody accepts from. HAProxy
 * checks each instance's readiness over HTTP, which includes the listener's health: on a
 * disable or a stop the listener reports itself out of service first and keeps accepting
 * for {@code disable-delay}, HAProxy takes it out of rotation meanwhile, and only then is
 * the socket closed, so that no connection HAProxy sent is reset with it.
 * <p>
 * Skipped, saying why, where {@code haproxy} is not installed; {@code .ci/run} installs it.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(240)
class SampleAppHaproxyIT {

	private static final String[] APP_ARGS = { "--conn-listener.listeners.echo.proxy-protocol=required",
			"--conn-listener.listeners.echo.trusted-proxies=127.0.0.1/32",
			"--conn-listener.listeners.echo.unbind-on-disable=true",
			// Five of HAProxy's 200 ms check intervals: it takes an instance out after one failed check.
			"--conn-listener.listeners.echo.disable-delay=1s",
			"--management.endpoint.health.probes.enabled=true",
			"--management.endpoint.health.group.readiness.include=readinessState,connListeners",
			"--management.endpoints.web.exposure.include=health,connlisteners,prometheus,loggers" };

	private static final int LOAD_CLIENTS = 8;

	private static final long LOAD_PAUSE_MILLIS = 20;

	private static final int IN_FLIGHT = 20;

	private static final int STALL_MILLIS = 1000;

	@Test
	void haproxyShiftsTrafficOnDisableAndLosesNothingOnGracefulStop(@TempDir Path directory) throws Exception {
		Path executable = Haproxy.find();
		Assumptions.assumeTrue(executable != null, () -> "haproxy is not on PATH (.ci/run installs it with "
				+ "apt-get install haproxy; on a workstation: apt-get install haproxy)");
		CompletableFuture<SampleAppProcess> startingA = CompletableFuture.supplyAsync(SampleAppHaproxyIT::startApp);
		CompletableFuture<SampleAppProcess> startingB = CompletableFuture.supplyAsync(SampleAppHaproxyIT::startApp);
		try (SampleAppProcess a = startingA.get(90, TimeUnit.SECONDS);
				SampleAppProcess b = startingB.get(90, TimeUnit.SECONDS);
				Haproxy haproxy = Haproxy.startCheckingReadiness(executable, directory,
						new int[] { a.echoPort, b.echoPort }, new int[] { a.httpPort, b.httpPort })) {
			Actuator actuatorA = new Actuator(a.httpPort);
			Actuator actuatorB = new Actuator(b.httpPort);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> haproxy.status("a").equals("UP") && haproxy.status("b").equals("UP"));

			// 1. The handler sees the client's address, from the PROXY header, not HAProxy's.
			// It logs it at DEBUG: on for this one connection, as it logs every connection.
			String debug = "{\"configuredLevel\": \"DEBUG\"}";
			assertThat(actuatorA.post("/loggers/io.connlistener.sample", debug).statusCode()).isEqualTo(204);
			assertThat(actuatorB.post("/loggers/io.connlistener.sample", debug).statusCode()).isEqualTo(204);
			try (ConnListenerClient client = ConnListenerClient.connect(haproxy.port)) {
				client.sendLine("who am I").expectLine("who am I");
				String clientAddress = "Echo connection from /127.0.0.1:"
						+ ((InetSocketAddress) client.localAddress()).getPort();
				await().atMost(Duration.ofSeconds(10)).until(() -> a.logged(clientAddress) || b.logged(clientAddress));
				Figures.record("haproxy-client-address", "the echo handler logged '%s'", clientAddress);
			}
			String info = "{\"configuredLevel\": \"INFO\"}";
			actuatorA.post("/loggers/io.connlistener.sample", info);
			actuatorB.post("/loggers/io.connlistener.sample", info);
			assertThat(actuatorA.get("/connlisteners/echo").body()).contains("\"mode\":\"required\"");

			// 2. Disabling instance a through Actuator shifts new connections to b, no client failing:
			// a is out of service at once, HAProxy's next check takes it out, a releases its port later.
			long disabledAt;
			long shiftMillis;
			long releasedMillis;
			long acceptedByAAtRelease;
			long succeededBefore;
			long succeededAfter;
			List<String> failures;
			try (EchoLoad load = new EchoLoad(haproxy.port, LOAD_CLIENTS, LOAD_PAUSE_MILLIS)) {
				await().atMost(Duration.ofSeconds(20)).until(() -> accepted(actuatorA) > 20 && accepted(actuatorB) > 20);
				succeededBefore = load.succeeded();
				disabledAt = System.nanoTime();
				assertThat(actuatorA.post("/connlisteners/echo", "{\"enabled\": false}").body())
					.contains("\"enabled\":false")
					.contains("\"inService\":false");
				await().atMost(Duration.ofSeconds(10)).until(() -> haproxy.status("a").startsWith("DOWN"));
				shiftMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - disabledAt);
				await().atMost(Duration.ofSeconds(10))
					.until(() -> actuatorA.get("/connlisteners/echo").body().contains("\"bound\":false"));
				releasedMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - disabledAt);
				acceptedByAAtRelease = accepted(actuatorA);
				long acceptedByB = accepted(actuatorB);
				await().atMost(Duration.ofSeconds(20)).until(() -> accepted(actuatorB) > acceptedByB + 200);
				succeededAfter = load.succeeded() - succeededBefore;
				load.close();
				failures = load.failures();
			}
			assertThat(shiftMillis).as("HAProxy took a out before its port was released").isLessThan(releasedMillis);
			assertThat(accepted(actuatorA)).as("instance a accepted nothing once released")
				.isEqualTo(acceptedByAAtRelease);
			Figures.record("haproxy-disable", "%d clients, %d echoes before and %d after disabling a, %d failed; "
					+ "HAProxy marked a DOWN %d ms after the POST, a released its port %d ms after it (disable-delay "
					+ "1 s)", LOAD_CLIENTS, succeededBefore, succeededAfter, failures.size(), shiftMillis, releasedMillis);
			assertThat(failures).as("failed clients").isEmpty();

			// 3. Stopping instance a gracefully (SIGTERM) loses no conversation under way.
			actuatorA.post("/connlisteners/echo", "{\"enabled\": true}");
			await().atMost(Duration.ofSeconds(10)).until(() -> haproxy.status("a").equals("UP"));
			List<ConnListenerClient> inFlight = new ArrayList<>();
			try (EchoLoad load = new EchoLoad(haproxy.port, LOAD_CLIENTS / 2, LOAD_PAUSE_MILLIS)) {
				for (int i = 0; i < IN_FLIGHT; i++) {
					ConnListenerClient client = ConnListenerClient.connect(haproxy.port);
					inFlight.add(client);
					client.sendLine("hello-" + i).expectLine("hello-" + i);
				}
				int onA = activeConnections(actuatorA);
				CompletableFuture<Integer> stopping = CompletableFuture.supplyAsync(() -> stop(a));
				await().atMost(Duration.ofSeconds(10))
					.until(() -> a.logged("stops accepting as the application refuses traffic"));
				long finished = 0;
				for (int i = 0; i < IN_FLIGHT; i++) {
					ConnListenerClient client = inFlight.get(i);
					client.sendLine("bye-" + i).expectLine("bye-" + i);
					client.close();
					finished++;
				}
				int exitCode = stopping.get(60, TimeUnit.SECONDS);
				load.close();
				Figures.record("haproxy-stop", "graceful stop of a with %d of %d conversations on it: %d finished, "
						+ "exit code %d; %d echoes through the stop, %d failed", onA, IN_FLIGHT, finished, exitCode,
						load.succeeded(), load.failures().size());
				assertThat(onA).as("conversations on instance a").isPositive();
				assertThat(exitCode).isEqualTo(143);
				assertThat(a.logged("still open after the shutdown grace period")).isFalse();
				assertThat(load.failures()).as("failed clients").isEmpty();
			}
			finally {
				for (ConnListenerClient client : inFlight) {
					client.close();
				}
			}
		}
	}

	/**
	 * The trade-off {@code unbind-on-disable} makes: without it, a disabled instance keeps its
	 * socket, the kernel completes HAProxy's handshakes and queues them, so the TCP check
	 * passes, HAProxy goes on sending clients there, and they wait for an answer that does
	 * not come until the instance is enabled again.
	 */
	@Test
	void disabledInstanceThatKeepsItsSocketStallsClientsBehindHaproxy(@TempDir Path directory) throws Exception {
		Path executable = Haproxy.find();
		Assumptions.assumeTrue(executable != null, () -> "haproxy is not on PATH");
		String[] keepSocket = { "--conn-listener.listeners.echo.proxy-protocol=required",
				"--conn-listener.listeners.echo.trusted-proxies=127.0.0.1/32" };
		CompletableFuture<SampleAppProcess> startingA = CompletableFuture.supplyAsync(() -> startApp(keepSocket));
		CompletableFuture<SampleAppProcess> startingB = CompletableFuture.supplyAsync(() -> startApp(keepSocket));
		try (SampleAppProcess a = startingA.get(90, TimeUnit.SECONDS);
				SampleAppProcess b = startingB.get(90, TimeUnit.SECONDS);
				Haproxy haproxy = Haproxy.start(executable, directory, a.echoPort, b.echoPort)) {
			Actuator actuatorA = new Actuator(a.httpPort);
			await().atMost(Duration.ofSeconds(20))
				.until(() -> haproxy.status("a").equals("UP") && haproxy.status("b").equals("UP"));
			assertThat(actuatorA.post("/connlisteners/echo", "{\"enabled\": false}").body())
				.contains("\"enabled\":false")
				.contains("\"bound\":true");
			long acceptedAtDisable = accepted(actuatorA);
			List<String> failures;
			long succeeded;
			try (EchoLoad load = new EchoLoad(haproxy.port, LOAD_CLIENTS, LOAD_PAUSE_MILLIS, STALL_MILLIS)) {
				await().atMost(Duration.ofSeconds(20)).until(() -> load.failures().size() >= LOAD_CLIENTS);
				load.close();
				failures = load.failures();
				succeeded = load.succeeded();
			}
			String status = haproxy.status("a");
			Figures.record("haproxy-disabled-bound", "instance a disabled but bound: HAProxy's TCP check still sees it "
					+ "%s; %d echoes, %d clients got no answer within %d ms", status, succeeded, failures.size(),
					STALL_MILLIS);
			assertThat(status).isEqualTo("UP");
			assertThat(failures).isNotEmpty();
			assertThat(accepted(actuatorA)).as("nothing accepted while disabled").isEqualTo(acceptedAtDisable);
		}
	}

	private static SampleAppProcess startApp() {
		return startApp(APP_ARGS);
	}

	private static SampleAppProcess startApp(String... args) {
		try {
			return new SampleAppProcess(1024, args);
		}
		catch (java.io.IOException ex) {
			throw new java.io.UncheckedIOException(ex);
		}
	}

	private static int stop(SampleAppProcess app) {
		try {
			return app.stop();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return -1;
		}
	}

	private static long accepted(Actuator actuator) {
		return number(actuator.get("/connlisteners/echo").body(), "accepted");
	}

	private static int activeConnections(Actuator actuator) {
		return (int) number(actuator.get("/connlisteners/echo").body(), "activeConnections");
	}

	private static long number(String json, String field) {
		Matcher matcher = Pattern.compile("\"" + field + "\":(\\d+)").matcher(json);
		assertThat(matcher.find()).as("%s in %s", field, json).isTrue();
		return Long.parseLong(matcher.group(1));
	}

}
