package io.connlistener.sample;

import io.connlistener.boot.listener.ManagedConnListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Under the endpoint's default access, read-only, the write is not mapped.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "conn-listener.listeners.echo.port=0", "conn-listener.listeners.commands.port=0", "conn-listener.listeners.echo.address=127.0.0.1",
				"management.endpoint.connlisteners.access=read-only" })
@Timeout(60)
class SampleActuatorDefaultAccessTests {

	@LocalServerPort
	private int httpPort;

	@Autowired
	@Qualifier("echoConnListener")
	private ManagedConnListener echo;

	@Test
	void writeIsRefusedUnderReadOnlyAccess() {
		Actuator actuator = new Actuator(this.httpPort);
		assertThat(actuator.get("/connlisteners/echo").statusCode()).isEqualTo(200);
		int status = actuator.post("/connlisteners/echo", "{\"enabled\": false}").statusCode();
		assertThat(status).isIn(404, 405);
		assertThat(this.echo.isEnabled()).isTrue();
	}

}
