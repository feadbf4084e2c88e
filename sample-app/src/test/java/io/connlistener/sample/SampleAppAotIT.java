package io.connlistener.sample;

import java.io.IOException;
import java.io.InputStream;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.jar.JarEntry;
import java.util.jar.JarFile;

import io.connlistener.boot.test.ConnListenerClient;
import io.connlistener.testsupport.ChildProcesses;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app jar run on the bean definitions that {@code spring-boot:process-aot}
 * wrote into it at build time ({@code -Dspring.aot.enabled=true}), as a native image runs
 * them: it echoes and answers Actuator on ports given at run time, refuses a listener the
 * build did not know, and carries the starter's native hints.
 */
@Timeout(120)
class SampleAppAotIT {

	private static final String NATIVE_METADATA = "META-INF/native-image/io.connlistener/sample-app/"
			+ "reachability-metadata.json";

	@Test
	void aotProcessedAppEchoes() throws Exception {
		try (SampleAppProcess app = SampleAppProcess.aotProcessed()) {
			assertThat(app.logged("Starting AOT-processed SampleApplication")).as(app.output()).isTrue();
			try (ConnListenerClient client = ConnListenerClient.connect(app.echoPort)) {
				client.sendLine("hello, AOT").expectLine("hello, AOT");
			}
			HttpResponse<String> echo = new Actuator(app.httpPort).get("/connlisteners/echo");
			assertThat(echo.statusCode()).isEqualTo(200);
			assertThat(echo.body()).contains("\"address\":\"127.0.0.1:" + app.echoPort + "\"")
				.contains("\"state\":\"RUNNING\"");
			assertThat(app.stop()).as("exit code of a graceful stop; output:%n%s", app.output()).isEqualTo(143);
		}
	}

	@Test
	void aotProcessedAppRefusesAListenerTheBuildDidNotKnow() throws Exception {
		int otherPort = ChildProcesses.freePort();
		try (SampleAppProcess app = SampleAppProcess
			.aotProcessedRefusing("--conn-listener.listeners.other.port=" + otherPort)) {
			String action = "Build with the listeners the application runs with (spring-boot:process-aot reads the "
					+ "configuration as a run does), or start it without -Dspring.aot.enabled=true. A listener's port, "
					+ "address and other values may change at run time; its name may not.";
			// Once the app has said why, and not before: its output is read as it comes.
			await().atMost(Duration.ofSeconds(60))
				.untilAsserted(() -> assertThat(app.logged(action)).as("output:%n%s", app.output()).isTrue());
			assertThat(app.logged("APPLICATION FAILED TO START")).isTrue();
			assertThat(app.logged("Listeners cannot start: the application was AOT-processed with listeners 'echo', "
					+ "'commands', "
					+ "but conn-listener.listeners configures listeners ")).as(app.output()).isTrue();
			assertThat(app.logged("Under AOT, the beans are fixed at build time: listener 'other' has no bean."))
				.as(app.output())
				.isTrue();
			assertThat(app.exitCode()).isEqualTo(1);
		}
	}

	@Test
	void jarCarriesTheStartersNativeHints() throws IOException {
		try (JarFile jar = new JarFile(System.getProperty("sample.jar"))) {
			JarEntry entry = jar.getJarEntry(NATIVE_METADATA);
			assertThat(entry).as(NATIVE_METADATA).isNotNull();
			try (InputStream metadata = jar.getInputStream(entry)) {
				assertThat(new String(metadata.readAllBytes(), StandardCharsets.UTF_8))
					.contains("\"io.connlistener.internal.accept.AcceptBackoff\"",
							"\"io.connlistener.boot.handler.ConnectionHandler\"");
			}
		}
	}

}
