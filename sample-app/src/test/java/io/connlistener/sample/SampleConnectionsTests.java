package io.connlistener.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.http.HttpResponse;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.regex.Matcher;
import java.util.regex.Pattern;

import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.boot.test.LocalConnListenerPort;
import io.connlistener.testsupport.Figures;
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
import static org.awaitility.Awaitility.await;

/**
 * The sample app's connections over real HTTP and real sockets: the connections view of the
 * {@code connlisteners} endpoint, the {@code commands} listener's {@code ALL} broadcast, the
 * close of one connection with {@code DELETE}, and meters that never take an address.
 */
@SpringBootTest(webEnvironment = WebEnvironment.RANDOM_PORT,
		properties = { "conn-listener.listeners.echo.port=0", "conn-listener.listeners.commands.port=0",
				"conn-listener.listeners.echo.address=127.0.0.1", "conn-listener.listeners.echo.max-connections=1100" })
@Timeout(120)
class SampleConnectionsTests {

	private static final Pattern SERIES = Pattern.compile("^([a-zA-Z_:][a-zA-Z0-9_:]*(\\{[^}]*\\})?) ", Pattern.MULTILINE);

	@LocalServerPort
	private int httpPort;

	@LocalConnListenerPort("echo")
	private int echoPort;

	@LocalConnListenerPort("commands")
	private int commandsPort;

	@Autowired
	@Qualifier("echoConnListener")
	private ManagedConnListener echo;

	@Autowired
	@Qualifier("commandsConnListener")
	private ManagedConnListener commands;

	private Actuator actuator;

	private final List<Socket> sockets = new ArrayList<>();

	@BeforeEach
	void setUp() {
		this.actuator = new Actuator(this.httpPort);
	}

	@AfterEach
	void closeSockets() throws IOException {
		for (Socket socket : this.sockets) {
			socket.close();
		}
		await().until(() -> this.echo.activeConnections() == 0 && this.commands.activeConnections() == 0);
	}

	@Test
	void connectionsAreListedReachedByABroadcastAndClosedOneByOne() throws Exception {
		List<Client> clients = new ArrayList<>();
		for (int i = 0; i < 3; i++) {
			clients.add(new Client(connect(null, this.commandsPort)));
		}
		await().until(() -> this.commands.activeConnections() == 3);
		HttpResponse<String> list = this.actuator.get("/connlisteners/commands/connections");
		assertThat(list.statusCode()).isEqualTo(200);
		assertThat(list.body()).contains("\"listener\":\"commands\"", "\"open\":3", "\"limit\":100",
				"\"sort\":\"age\"", "\"handlerStyle\":\"message\"");
		for (Client client : clients) {
			assertThat(list.body()).contains("\"remoteAddress\":\"127.0.0.1:" + client.port() + "\"");
		}
		clients.get(0).send("ALL hello, everyone");
		for (Client client : clients) {
			assertThat(client.readLine()).isEqualTo("hello, everyone");
		}
		assertThat(clients.get(0).readLine()).isEqualTo("SENT 3 SKIPPED 0");
		String id = idOf(list.body(), clients.get(1).port());
		HttpResponse<String> deleted = this.actuator.delete("/connlisteners/commands/connections/" + id);
		assertThat(deleted.statusCode()).isEqualTo(200);
		assertThat(deleted.body()).contains("\"id\":" + id);
		assertThat(clients.get(1).readLine()).isNull();
		for (Client client : List.of(clients.get(0), clients.get(2))) {
			client.send("PING");
			assertThat(client.readLine()).isEqualTo("PONG");
		}
		assertThat(this.actuator.delete("/connlisteners/commands/connections/" + id).statusCode()).isEqualTo(404);
		assertThat(this.actuator.delete("/connlisteners/echo/connections/" + idOf(list.body(), clients.get(0).port()))
			.statusCode()).isEqualTo(404);
		assertThat(this.actuator.get("/connlisteners/nope/connections").statusCode()).isEqualTo(404);
		assertThat(this.actuator.get("/connlisteners/commands/connections?sort=size").statusCode()).isEqualTo(400);
		assertThat(this.actuator.get("/connlisteners/commands/connections?limit=1&sort=bytes").body())
			.contains("\"open\":2", "\"limit\":1", "\"sort\":\"bytes\"")
			.contains("\"remoteAddress\":\"127.0.0.1:" + clients.get(0).port() + "\"");
		assertThat(this.actuator.get("/connlisteners/commands").body()).contains("\"closed-by-operator\":1");
	}

	@Test
	void meterSeriesStayTheSameForAThousandConnectionsFromTwoHundredFiftyAddresses() throws Exception {
		// One connection first: the meters of what every connection does (its setup observation's
		// timers, by outcome) exist from the first one on; the question is whether more come.
		try (Socket first = new Socket("127.0.0.1", this.echoPort)) {
			first.getOutputStream().write('x');
			assertThat(first.getInputStream().read()).isEqualTo('x');
		}
		await().until(() -> this.echo.activeConnections() == 0);
		this.actuator.get("/prometheus");
		Set<String> before = series(this.actuator.get("/prometheus").body());
		for (int i = 0; i < 1000; i++) {
			Socket socket = connect(new InetSocketAddress("127.0.0." + (i % 250 + 1), 0), this.echoPort);
			socket.getOutputStream().write('x');
		}
		await().until(() -> this.echo.activeConnections() == 1000);
		for (Socket socket : this.sockets) {
			assertThat(socket.getInputStream().read()).isEqualTo('x');
		}
		String during = this.actuator.get("/prometheus").body();
		for (Socket socket : this.sockets) {
			socket.close();
		}
		await().until(() -> this.echo.activeConnections() == 0);
		Set<String> after = series(this.actuator.get("/prometheus").body());
		assertThat(series(during)).isEqualTo(before);
		assertThat(after).isEqualTo(before);
		assertThat(during).doesNotContainPattern("127\\.0\\.0\\.(?!1\\b)\\d+");
		Figures.record("meter-series", "%d series before 1,000 connections from 250 addresses, %d during, %d after",
				before.size(), series(during).size(), after.size());
	}

	/**
	 * Return the series of a scrape, but for those that come and go whatever the listeners
	 * do: a collector's pauses by cause, and the scrapes' own HTTP requests.
	 */
	private static Set<String> series(String scrape) {
		Set<String> series = new TreeSet<>();
		Matcher matcher = SERIES.matcher(scrape);
		while (matcher.find()) {
			String name = matcher.group(1);
			if (!name.startsWith("jvm_gc_") && !name.startsWith("http_server_requests")) {
				series.add(name);
			}
		}
		return series;
	}

	private static String idOf(String body, int port) {
		Matcher matcher = Pattern.compile("\"id\":(\\d+),\"remoteAddress\":\"127\\.0\\.0\\.1:" + port + "\"")
			.matcher(body);
		assertThat(matcher.find()).as("connection from port %d in %s", port, body).isTrue();
		return matcher.group(1);
	}

	private Socket connect(InetSocketAddress local, int port) throws IOException {
		Socket socket = new Socket();
		this.sockets.add(socket);
		if (local != null) {
			socket.bind(local);
		}
		socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		socket.setSoTimeout(20_000);
		return socket;
	}

	private record Client(Socket socket, BufferedReader reader) {

		Client(Socket socket) throws IOException {
			this(socket, new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8)));
		}

		int port() {
			return this.socket.getLocalPort();
		}

		void send(String line) throws IOException {
			OutputStream output = this.socket.getOutputStream();
			output.write((line + "\r\n").getBytes(StandardCharsets.UTF_8));
		}

		String readLine() throws IOException {
			return this.reader.readLine();
		}

	}

}
