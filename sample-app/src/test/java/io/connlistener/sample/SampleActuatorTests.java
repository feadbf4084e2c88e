package io.connlistener.sample;

import java.net.SocketTimeoutException;
import java.net.http.HttpResponse;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.boot.test.ConnListenerClient;
import io.connlistener.boot.test.LocalConnListenerPort;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.boot.test.context.SpringBootTest.WebEnvironment;
import org.springframework.boot.test.web.server.LocalServerPort;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * The sample app's {@code connlisteners} endpoint, health and Prometheus meters, over real
 * HTTP and real echo connections.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "conn-listener.listeners.echo.port=0", "conn-listener.listeners.commands.port=0", "conn-listener.listeners.echo.address=127.0.0.1" })
@Timeout(60)
class SampleActuatorTests {

	@LocalServerPort
	private int httpPort;

	@LocalConnListenerPort("echo")
	private int echoPort;

	@Autowired
	@Qualifier("echoConnListener")
	private ManagedConnListener echo;

	private Actuator actuator;

	private final List<ConnListenerClient> clients = new ArrayList<>();

	@BeforeEach
	void setUp() {
		this.actuator = new Actuator(this.httpPort);
		this.echo.enable();
	}

	@AfterEach
	void closeClients() {
		for (ConnListenerClient client : this.clients) {
			client.close();
		}
		this.echo.enable();
	}

	@Test
	void listShowsEveryListener() {
		HttpResponse<String> response = this.actuator.get("/connlisteners");
		assertThat(response.statusCode()).isEqualTo(200);
		assertThat(response.headers().firstValue("Content-Type")).hasValueSatisfying(
				(type) -> assertThat(type).startsWith("application/vnd.spring-boot.actuator.v3+json"));
		assertThat(response.body()).contains("\"listeners\":{\"echo\":{\"name\":\"echo\"")
			.contains("\"address\":\"127.0.0.1:" + this.echoPort + "\"")
			.contains("\"enabled\":true")
			.contains("\"acceptErrors\":{\"too-many-open-files\":0");
	}

	@Test
	void oneListenerByNameAndUnknownNamesAre404() {
		HttpResponse<String> echo = this.actuator.get("/connlisteners/echo");
		assertThat(echo.statusCode()).isEqualTo(200);
		assertThat(echo.body()).startsWith("{\"name\":\"echo\"");
		assertThat(this.actuator.get("/connlisteners/nope").statusCode()).isEqualTo(404);
		assertThat(this.actuator.post("/connlisteners/nope", "{\"enabled\": false}").statusCode()).isEqualTo(404);
		assertThat(this.actuator.get("/connlisteners").body()).doesNotContain("nope");
	}

	@Test
	void disableLeavesNewClientsWaitingWhileExistingOnesEchoAndEnableServesThem() throws Exception {
		ConnListenerClient existing = client();
		existing.sendLine("before").expectLine("before");
		HttpResponse<String> disabled = this.actuator.post("/connlisteners/echo", "{\"enabled\": false}");
		assertThat(disabled.statusCode()).isEqualTo(200);
		assertThat(disabled.body()).contains("\"enabled\":false").contains("\"accepting\":false");
		assertThat(this.actuator.post("/connlisteners/echo", "{\"enabled\": false}").statusCode()).isEqualTo(200);
		await().until(() -> !this.echo.isAccepting());
		long accepted = this.echo.stats().accepted();
		ConnListenerClient waiting = client();
		waiting.sendLine("waiting");
		existing.sendLine("still served").expectLine("still served");
		waiting.timeout(Duration.ofMillis(300));
		assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(waiting::readLine);
		assertThat(this.echo.stats().accepted()).isEqualTo(accepted);
		// Taken out on purpose: out of service, not down.
		assertThat(this.actuator.get("/health/connListeners/echo").body()).contains("\"status\":\"OUT_OF_SERVICE\"");

		HttpResponse<String> enabled = this.actuator.post("/connlisteners/echo", "{\"enabled\": true}");
		assertThat(enabled.statusCode()).isEqualTo(200);
		assertThat(enabled.body()).contains("\"enabled\":true").contains("\"accepting\":true");
		waiting.timeout(Duration.ofSeconds(10)).expectLine("waiting");
	}

	@Test
	void badBodiesAre400SayingWhatIsWrongAndChangeNothing() {
		assertBadRequest("{\"enabled\": \"maybe\"}", "'enabled' must be true or false, but is 'maybe'.");
		String unset = "'enabled' must be true or false, but the body does not set it: send {\\\"enabled\\\": false} or "
				+ "{\\\"enabled\\\": true}.";
		assertBadRequest("{}", unset);
		assertBadRequest("{\"enabled\": null}", unset);
		assertThat(this.echo.isEnabled()).isTrue();
	}

	private void assertBadRequest(String body, String problem) {
		HttpResponse<String> response = this.actuator.post("/connlisteners/echo", body);
		assertThat(response.statusCode()).as(body).isEqualTo(400);
		assertThat(response.body()).as(body)
			.isEqualTo("{\"status\":400,\"error\":\"Bad Request\",\"message\":\"Listener 'echo' was not changed: " + problem
					+ "\"}");
	}

	@Test
	void prometheusCountsEveryAcceptExactly() throws Exception {
		String accepts = "conn_listener_accepts_total{listener=\"echo\"}";
		double before = this.actuator.scrape(accepts);
		assertThat(before).isGreaterThanOrEqualTo(0);
		for (int i = 0; i < 7; i++) {
			client().sendLine("ping " + i).expectLine("ping " + i);
		}
		assertThat(this.actuator.scrape(accepts)).isEqualTo(before + 7);
		assertThat(this.actuator.scrape("conn_listener_enabled{listener=\"echo\"}")).isEqualTo(1);
		assertThat(this.actuator.scrape("conn_listener_accepting{listener=\"echo\"}")).isEqualTo(1);
		assertThat(this.actuator.scrape("conn_listener_accept_errors_total{listener=\"echo\",reason=\"too-many-open-files\"}"))
			.isZero();
		assertThat(this.actuator.scrape("conn_listener_connections_active{listener=\"echo\"}")).isGreaterThanOrEqualTo(7);
	}

	@Test
	void healthShowsListenerDetails() {
		HttpResponse<String> health = this.actuator.get("/health");
		assertThat(health.statusCode()).isEqualTo(200);
		// Components in name order: the command listener, then the echo.
		assertThat(health.body()).contains("\"connListeners\":{\"components\":{\"commands\":{\"details\":")
			.contains("\"echo\":{\"details\":{\"address\":\"127.0.0.1:" + this.echoPort);
	}

	private ConnListenerClient client() throws Exception {
		ConnListenerClient client = ConnListenerClient.connect(this.echoPort);
		this.clients.add(client);
		return client;
	}

}
