package io.connlistener.sample;

import java.net.InetSocketAddress;
import java.net.Socket;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.locks.LockSupport;

import io.connlistener.boot.test.ConnListenerClient;
import io.connlistener.testsupport.Figures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The whole sample app, jar and all, in a child JVM under {@code ulimit -n 128}: clients
 * open more connections than it has descriptors. It must not spin, must count the failures
 * by reason in its Prometheus scrape, close the excess clients at once (the spare
 * descriptor), and serve again as soon as descriptors are free.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(180)
class SampleAppFdExhaustionIT {

	private static final int FILE_LIMIT = 128;

	private static final int CLIENTS = 200;

	private static final Duration STORM_WINDOW = Duration.ofSeconds(3);

	@Test
	void runningOutOfDescriptorsIsCountedWithoutSpinningAndTheAppRecovers() throws Exception {
		try (SampleAppProcess app = new SampleAppProcess(FILE_LIMIT)) {
			List<Socket> clients = new ArrayList<>();
			try {
				for (int i = 0; i < CLIENTS; i++) {
					Socket socket = new Socket();
					socket.connect(new InetSocketAddress("127.0.0.1", app.echoPort), 5000);
					clients.add(socket);
				}
				await().atMost(Duration.ofSeconds(30)).until(() -> app.logged("cannot accept (too-many-open-files"));
				long cpuBefore = app.cpuTicks();
				long start = System.nanoTime();
				// A measurement window, not synchronization: the app is left alone out of descriptors.
				LockSupport.parkNanos(STORM_WINDOW.toNanos());
				double seconds = (System.nanoTime() - start) / 1e9;
				double cpuPercent = SampleAppProcess.cpuPercent(app.cpuTicks() - cpuBefore, seconds);
				assertThat(cpuPercent).isLessThan(25);
				assertThat(app.count("cannot accept (too-many-open-files")).as("one warning per episode").isEqualTo(1);
				int closedAtOnce = 0;
				for (Socket client : clients) {
					client.setSoTimeout(1);
					try {
						if (client.getInputStream().read() == -1) {
							closedAtOnce++;
						}
					}
					catch (java.net.SocketTimeoutException ex) {
						// Held by the app: still connected.
					}
				}
				for (Socket client : clients) {
					client.close();
				}
				clients.clear();

				long recoveryStart = System.nanoTime();
				await().atMost(Duration.ofSeconds(10)).ignoreExceptions().until(() -> {
					try (ConnListenerClient client = ConnListenerClient.connect(app.echoPort)) {
						return "back".equals(client.sendLine("back").readLine());
					}
				});
				Duration recovery = Duration.ofNanos(System.nanoTime() - recoveryStart);
				Actuator actuator = new Actuator(app.httpPort);
				double emfile = actuator
					.scrape("conn_listener_accept_errors_total{listener=\"echo\",reason=\"too-many-open-files\"}");
				double noFd = actuator.scrape("conn_listener_rejections_total{listener=\"echo\",reason=\"no-file-descriptors\"}");
				double accepts = actuator.scrape("conn_listener_accepts_total{listener=\"echo\"}");
				assertThat(emfile).isGreaterThan(0);
				assertThat(noFd).isGreaterThan(0);
				assertThat(recovery).isLessThan(Duration.ofMillis(1000 + 2000));
				Figures.record("spring-fd-exhaustion", "ulimit -n %d, %d clients, %.0f accepted, %d closed at once "
						+ "by the spare descriptor, %.0f EMFILE errors counted, child CPU %.1f%% over a %.1f s storm, "
						+ "echo again %d ms after the clients closed", FILE_LIMIT, CLIENTS, accepts, closedAtOnce, emfile,
						cpuPercent, seconds, recovery.toMillis());
			}
			finally {
				for (Socket client : clients) {
					client.close();
				}
			}
		}
	}

}
