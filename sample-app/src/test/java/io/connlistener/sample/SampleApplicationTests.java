package io.connlistener.sample;

import java.net.InetSocketAddress;
import java.time.Instant;

import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.boot.test.ConnListenerClient;
import io.connlistener.boot.test.LocalConnListenerPort;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SampleApplication}: the echo server and the command listener answer a
 * real client.
 */
@SpringBootTest(properties = { "conn-listener.listeners.echo.port=0", "conn-listener.listeners.commands.port=0",
		"conn-listener.listeners.echo.address=127.0.0.1" })
@Timeout(60)
class SampleApplicationTests {

	@Autowired
	private ConnListenerRegistry registry;

	@Autowired
	@Qualifier("echoConnListener")
	private ManagedConnListener echo;

	@LocalConnListenerPort("echo")
	private int port;

	@LocalConnListenerPort("commands")
	private int commandsPort;

	@Test
	void echoesWhatItReceives() throws Exception {
		assertThat(this.registry.get("echo")).isSameAs(this.echo);
		assertThat(this.port).isPositive().isEqualTo(((InetSocketAddress) this.echo.localAddress()).getPort());
		try (ConnListenerClient client = ConnListenerClient.connect(this.port)) {
			client.sendLine("hello, echo").expectLine("hello, echo");
			client.sendLine("and again").expectLine("and again");
		}
	}

	@Test
	void commandsListenerAnswersItsLineProtocol() throws Exception {
		try (ConnListenerClient client = ConnListenerClient.connect(this.commandsPort)) {
			// Pipelined in one write: the replies come back in order.
			client.send("PING\r\nECHO hi there\r\n").expectLine("PONG").expectLine("hi there");
			assertThat(Instant.parse(client.sendLine("TIME").readLine())).isBeforeOrEqualTo(Instant.now());
			client.sendLine("DANCE").expectLine("ERR unknown command");
			client.sendLine("QUIT").expectLine("BYE");
			client.expectClosed();
		}
	}

}
