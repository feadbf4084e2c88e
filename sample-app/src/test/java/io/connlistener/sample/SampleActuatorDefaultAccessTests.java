package io.connlistener.sample;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.boot.test.LocalConnListenerPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under the endpoint's default access, read-only, the writes are not mapped: neither the
 * enable/disable nor the close of a connection.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "conn-listener.listeners.echo.port=0", "conn-listener.listeners.commands.port=0", "conn-listener.listeners.echo.address=127.0.0.1",
				"management.endpoint.connlisteners.access=read-only" })
@Timeout(60)
class SampleActuatorDefaultAccessTests {

	@LocalServerPort
	private int httpPort;

	@LocalConnListenerPort("commands")
	private int commandsPort;

	@Autowired
	@Qualifier("echoConnListener")
	private ManagedConnListener echo;

	@Autowired
	@Qualifier("commandsConnListener")
	private ManagedConnListener commands;

	@Test
	void writeIsRefusedUnderReadOnlyAccess() {
		Actuator actuator = new Actuator(this.httpPort);
		assertThat(actuator.get("/connlisteners/echo").statusCode()).isEqualTo(200);
		int status = actuator.post("/connlisteners/echo", "{\"enabled\": false}").statusCode();
		assertThat(status).isIn(404, 405);
		assertThat(this.echo.isEnabled()).isTrue();
	}

	@Test
	void closingAConnectionIsRefusedUnderReadOnlyAccess() throws Exception {
		Actuator actuator = new Actuator(this.httpPort);
		try (Socket client = new Socket("127.0.0.1", this.commandsPort)) {
			client.setSoTimeout(10_000);
			client.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(client.getInputStream(), StandardCharsets.US_ASCII));
			assertThat(reader.readLine()).isEqualTo("PONG");
			HttpResponse<String> list = actuator.get("/connlisteners/commands/connections");
			assertThat(list.statusCode()).isEqualTo(200);
			Matcher id = Pattern.compile("\"id\":(\\d+)").matcher(list.body());
			assertThat(id.find()).as("a connection in %s", list.body()).isTrue();
			int status = actuator.delete("/connlisteners/commands/connections/" + id.group(1)).statusCode();
			assertThat(status).isIn(404, 405);
			client.getOutputStream().write("PING\r\n".getBytes(StandardCharsets.US_ASCII));
			assertThat(reader.readLine()).as("the connection is still served").isEqualTo("PONG");
			assertThat(this.commands.activeConnections()).isEqualTo(1);
		}
	}

}
