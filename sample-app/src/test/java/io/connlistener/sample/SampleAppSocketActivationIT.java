package io.connlistener.sample;

import java.net.URISyntaxException;
import java.net.http.HttpResponse;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;

import io.connlistener.boot.test.ConnListenerClient;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The sample app jar started as systemd ({@code StandardInput=socket}) and inetd start a
 * service: its standard input is a listening socket, which the echo listener adopts with
 * {@code inherited: true}. A small Perl launcher plays the service manager.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(120)
class SampleAppSocketActivationIT {

	@Test
	void echoListenerServesTheSocketItInherited() throws Exception {
		Assumptions.assumeTrue(Files.isExecutable(Path.of("/usr/bin/perl")),
				() -> "/usr/bin/perl is missing, which plays the service manager");
		Path launcher = Path.of(launcherUrl());
		try (SampleAppProcess app = SampleAppProcess.withInheritedSocket(launcher)) {
			try (ConnListenerClient client = ConnListenerClient.connect(app.echoPort)) {
				client.sendLine("socket activated").expectLine("socket activated");
			}
			Actuator actuator = new Actuator(app.httpPort);
			HttpResponse<String> echo = actuator.get("/connlisteners/echo");
			assertThat(echo.statusCode()).isEqualTo(200);
			assertThat(echo.body()).contains("\"address\":\"127.0.0.1:" + app.echoPort + "\"")
				.contains("\"state\":\"RUNNING\"");
			assertThat(app.logged("'echo' on 127.0.0.1:" + app.echoPort)).isTrue();
			assertThat(app.stop()).as("exit code of a graceful stop; output:%n%s", app.output()).isEqualTo(143);
		}
	}

	private static java.net.URI launcherUrl() throws URISyntaxException {
		return SampleAppSocketActivationIT.class.getResource("/inherit-socket.pl").toURI();
	}

}
