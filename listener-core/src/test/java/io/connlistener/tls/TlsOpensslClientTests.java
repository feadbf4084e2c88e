package io.connlistener.tls;

import java.io.IOException;
import java.io.OutputStream;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLException;

import io.connlistener.RejectionReason;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.ConnectionEvent;
import io.connlistener.testsupport.ChildProcesses;
import io.connlistener.testsupport.TestCertificates;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.connlistener.tls.TlsServer.certificates;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for a TLS listener with the real {@code openssl s_client} as the client: echo with
 * SNI and ALPN, the old protocols refused, a TLS 1.3 key update answered, and a TLS 1.2
 * renegotiation refused. Skipped, saying why, where {@code openssl} is missing.
 */
@Timeout(60)
class TlsOpensslClientTests {

	private final List<Process> processes = new ArrayList<>();

	private TlsServer server;

	@BeforeAll
	static void openssl() {
		assumeThat(TestCertificates.opensslAvailable()).as("openssl is not on the PATH (.ci/run installs it)").isTrue();
	}

	@AfterEach
	void close() throws InterruptedException {
		for (Process process : this.processes) {
			process.destroy();
			process.waitFor(10, TimeUnit.SECONDS);
		}
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	void echoesWithTheConfiguredChainTheServerNameAndTheApplicationProtocol() throws Exception {
		TlsServerContext second = TlsServerContext.of(certificates.context("server2"));
		TlsServerContext first = TlsServerContext.of(certificates.context("server"));
		TlsContexts contexts = (name) -> "b.example.test".equals(name) ? second : first;
		this.server = TlsServer.start(TlsSettings.builder(contexts).applicationProtocols("echo/1").build());
		SClient client = sClient("-servername", "b.example.test", "-alpn", "echo/1", "-verify_hostname",
				"b.example.test");
		client.send("hello from openssl\n");
		client.awaitLine("hello from openssl");
		assertThat(client.output).anyMatch((line) -> line.contains("CN = connlistener test server 2")
				|| line.contains("CN=connlistener test server 2"));
		assertThat(client.output).anyMatch((line) -> line.contains("ALPN protocol: echo/1"));
		assertThat(client.output).anyMatch((line) -> line.contains("Verify return code: 0 (ok)"));
		BufferedConnection connection = this.server.opened.poll(10, TimeUnit.SECONDS);
		assertThat(connection.tls().serverName()).isEqualTo("b.example.test");
		assertThat(connection.tls().applicationProtocol()).isEqualTo("echo/1");
	}

	@Test
	void tls11AndTls10AreRefused() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().build());
		for (String protocol : List.of("-tls1_1", "-tls1")) {
			// Security level 0 lets this openssl offer the old protocols at all.
			SClient client = sClient(protocol, "-cipher", "DEFAULT@SECLEVEL=0");
			// The output is read on a thread of its own, perhaps after the process ended.
			await().atMost(20, TimeUnit.SECONDS)
				.until(() -> client.output.stream().anyMatch((line) -> line.contains("alert protocol version")));
			assertThat(client.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
		}
		await().until(() -> this.server.rejections(RejectionReason.TLS_HANDSHAKE_FAILED) == 2);
		assertThat(this.server.opened).isEmpty();
	}

	@Test
	void keyUpdateOfTls13IsAnsweredAndTheEchoGoesOn() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().build());
		SClient client = sClient("-tls1_3");
		client.send("before\n");
		client.awaitLine("before");
		// A key update that asks the server for its own.
		client.send("K\n");
		client.awaitLine("KEYUPDATE");
		client.send("after\n");
		client.awaitLine("after");
		assertThat(this.server.events).isEmpty();
	}

	@Test
	void renegotiationOfTls12IsRefusedAndTheConnectionClosed() throws Exception {
		this.server = TlsServer.start(TlsServer.settings().build());
		SClient client = sClient("-tls1_2");
		client.send("before\n");
		client.awaitLine("before");
		BufferedConnection connection = this.server.opened.poll(10, TimeUnit.SECONDS);
		client.send("R\n");
		assertThat(this.server.events.poll(10, TimeUnit.SECONDS)).isEqualTo(ConnectionEvent.ERROR);
		assertThat(connection.error()).isInstanceOf(SSLException.class).hasMessageContaining("renegotiation refused");
		assertThat(client.process.waitFor(20, TimeUnit.SECONDS)).isTrue();
		await().until(() -> !connection.isOpen());
		client.awaitLine("RENEGOTIATING");
	}

	private SClient sClient(String... options) throws IOException {
		List<String> command = new ArrayList<>(List.of("openssl", "s_client", "-connect",
				"127.0.0.1:" + this.server.address().getPort(), "-CAfile", certificates.file("ca.pem").toString(),
				"-verify_return_error"));
		command.addAll(List.of(options));
		Process process = new ProcessBuilder(command).redirectErrorStream(true).start();
		this.processes.add(process);
		return new SClient(process, ChildProcesses.captureOutput(process, "s_client"));
	}

	/**
	 * An {@code openssl s_client} and what it printed: its session, then what the server echoed.
	 */
	private static final class SClient {

		final Process process;

		final List<String> output;

		SClient(Process process, List<String> output) {
			this.process = process;
			this.output = output;
		}

		void send(String text) throws IOException {
			OutputStream in = this.process.getOutputStream();
			in.write(text.getBytes(StandardCharsets.US_ASCII));
			in.flush();
		}

		/**
		 * Wait for a line that ends with the text: s_client prints what it reads right after
		 * whatever it printed last, such as the dump of a session ticket.
		 */
		void awaitLine(String text) {
			await().atMost(20, TimeUnit.SECONDS).until(() -> received(text));
		}

		boolean received(String text) {
			return this.output.stream().anyMatch((line) -> line.endsWith(text));
		}

	}

}
