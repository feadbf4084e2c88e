package io.connlistener.sample;

import java.net.http.HttpResponse;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import io.connlistener.boot.actuate.endpoint.ListenerDescriptor;
import io.connlistener.boot.listener.ManagedConnListener;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import tools.jackson.databind.json.JsonMapper;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * The sample app as an application with Jackson settings of its own and a readiness group
 * of one listener: the endpoint's JSON keeps its names, and one listener's health is a
 * path and a group member of its own, over real HTTP.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "conn-listener.listeners.echo.port=0", "conn-listener.listeners.commands.port=0", "conn-listener.listeners.echo.address=127.0.0.1",
				"spring.jackson.property-naming-strategy=SNAKE_CASE",
				"management.endpoint.health.group.readiness.include=readinessState,connListeners/echo" })
@Timeout(60)
class SampleActuatorConventionsTests {

	@LocalServerPort
	private int httpPort;

	@Autowired
	@Qualifier("echoConnListener")
	private ManagedConnListener echo;

	@Autowired
	private JsonMapper applicationJsonMapper;

	private Actuator actuator;

	@BeforeEach
	void setUp() {
		this.actuator = new Actuator(this.httpPort);
	}

	@AfterEach
	void enableEcho() {
		this.echo.enable();
	}

	@Test
	void endpointJsonIsTheSameWhateverTheApplicationsJacksonSettings() {
		// The application's own mapper does follow the setting...
		assertThat(this.applicationJsonMapper.writeValueAsString(ListenerDescriptor.of(this.echo)))
			.contains("\"active_connections\":");
		// ... and the endpoint does not.
		HttpResponse<String> one = this.actuator.get("/connlisteners/echo");
		assertThat(one.statusCode()).isEqualTo(200);
		assertThat(one.body()).contains("\"activeConnections\":", "\"acceptErrors\":", "\"atConnectionLimit\":",
				"\"acceptedPerAcceptor\":", "\"proxyProtocol\":{\"mode\":\"off\",\"trustedProxies\":[],\"timeoutMillis\":")
			.doesNotContain("active_connections", "accept_errors", "last_accept_error", "trusted_proxies");
		HttpResponse<String> all = this.actuator.get("/connlisteners");
		assertThat(all.body()).startsWith("{\"listeners\":{\"echo\":{\"name\":\"echo\"")
			.contains("\"activeConnections\":")
			.doesNotContain("active_connections");
		HttpResponse<String> written = this.actuator.post("/connlisteners/echo", "{\"enabled\": false}");
		assertThat(written.body()).contains("\"inService\":false").doesNotContain("in_service");
		HttpResponse<String> bad = this.actuator.post("/connlisteners/echo", "{\"enabled\": \"maybe\"}");
		assertThat(bad.statusCode()).isEqualTo(400);
		assertThat(bad.body()).startsWith("{\"status\":400,\"error\":\"Bad Request\",\"message\":");
	}

	@Test
	void oneListenersHealthHasAPathOfItsOwn() {
		HttpResponse<String> up = this.actuator.get("/health/connListeners/echo");
		assertThat(up.statusCode()).isEqualTo(200);
		DocumentContext echo = JsonPath.parse(up.body());
		assertThat(echo.read("$.status", String.class)).isEqualTo("UP");
		assertThat(echo.read("$.details.address", String.class)).startsWith("127.0.0.1:");
		assertThat(echo.read("$.details.enabled", Boolean.class)).isTrue();
		HttpResponse<String> all = this.actuator.get("/health/connListeners");
		assertThat(JsonPath.parse(all.body()).read("$.components.echo.details.inService", Boolean.class)).isTrue();
		assertThat(this.actuator.get("/health/connListeners/nope").statusCode()).isEqualTo(404);

		this.echo.disable();
		HttpResponse<String> out = this.actuator.get("/health/connListeners/echo");
		assertThat(out.statusCode()).isEqualTo(503);
		assertThat(JsonPath.parse(out.body()).read("$.status", String.class)).isEqualTo("OUT_OF_SERVICE");
		HttpResponse<String> aggregate = this.actuator.get("/health/connListeners");
		assertThat(aggregate.statusCode()).isEqualTo(503);
		assertThat(JsonPath.parse(aggregate.body()).read("$.status", String.class)).isEqualTo("OUT_OF_SERVICE");
		HttpResponse<String> application = this.actuator.get("/health");
		assertThat(application.statusCode()).isEqualTo(503);
		assertThat(JsonPath.parse(application.body()).read("$.status", String.class)).isEqualTo("OUT_OF_SERVICE");
	}

	@Test
	void aReadinessGroupOfOneListenerFollowsThatListener() {
		HttpResponse<String> ready = this.actuator.get("/health/readiness");
		assertThat(ready.statusCode()).isEqualTo(200);
		DocumentContext group = JsonPath.parse(ready.body());
		assertThat(group.read("$.status", String.class)).isEqualTo("UP");
		assertThat(group.read("$.components.connListeners.components.echo.status", String.class)).isEqualTo("UP");
		this.echo.disable();
		HttpResponse<String> notReady = this.actuator.get("/health/readiness");
		assertThat(notReady.statusCode()).isEqualTo(503);
		assertThat(JsonPath.parse(notReady.body()).read("$.status", String.class)).isEqualTo("OUT_OF_SERVICE");
		this.echo.enable();
		assertThat(this.actuator.get("/health/readiness").statusCode()).isEqualTo(200);
	}

}
