package io.connlistener.boot.test;

import java.net.InetSocketAddress;

import io.connlistener.boot.listener.ConnListenerRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Nested;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link LocalConnListenerPort} and {@code local.conn-listener.<name>.port} in a
 * {@code @SpringBootTest} whose listener binds port 0: both ways of reading the port, on
 * fields and parameters, and a client that talks to it.
 */
@SpringBootTest(classes = EchoApplication.class,
		properties = { "conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.address=127.0.0.1" })
@Timeout(60)
class LocalConnListenerPortTests {

	@LocalConnListenerPort("echo")
	private int port;

	@Value("${local.conn-listener.echo.port}")
	private int valuePort;

	@LocalConnListenerPort("echo")
	private String portText;

	@Autowired
	private ConnListenerRegistry registry;

	@Autowired
	private ApplicationContext context;

	private int portInBeforeEach;

	@BeforeEach
	void takePort(@LocalConnListenerPort("echo") int port) {
		this.portInBeforeEach = port;
	}

	@Test
	void fieldsHoldThePortTheListenerBound() {
		assertThat(this.port).isPositive().isEqualTo(boundPort());
		assertThat(this.valuePort).isEqualTo(boundPort());
		assertThat(this.portText).isEqualTo(Integer.toString(boundPort()));
	}

	@Test
	void parametersHoldThePortTheListenerBound(@LocalConnListenerPort("echo") int port,
			@LocalConnListenerPort("echo") Long boxed) {
		assertThat(port).isPositive().isEqualTo(boundPort());
		assertThat(boxed).isEqualTo(boundPort());
		assertThat(this.portInBeforeEach).isEqualTo(boundPort());
	}

	@Test
	void eachWayOfFindingTheListenerTalksToIt(@LocalConnListenerPort("echo") int port) throws Exception {
		try (ConnListenerClient byAnnotation = ConnListenerClient.connect(port);
				ConnListenerClient byValue = ConnListenerClient.connect(this.valuePort);
				ConnListenerClient byContext = ConnListenerClient.connect(this.context, "echo");
				ConnListenerClient byEnvironment = ConnListenerClient.connect(this.context.getEnvironment(), "echo")) {
			byAnnotation.sendLine("by annotation").expectLine("by annotation");
			byValue.send("by value\r\n").expectLine("by value");
			byContext.send(new byte[] { 1, 2, 3 }).expect(new byte[] { 1, 2, 3 });
			byEnvironment.send("by environment").expect("by environment");
		}
		assertThat(this.registry.get("echo").stats().accepted()).isGreaterThanOrEqualTo(4);
	}

	private int boundPort() {
		return ((InetSocketAddress) this.registry.get("echo").localAddress()).getPort();
	}

	@Nested
	class ConstructorParameter {

		private final int port;

		ConstructorParameter(@LocalConnListenerPort("echo") int port) {
			this.port = port;
		}

		@Test
		void holdsThePortTheListenerBound() {
			assertThat(this.port).isPositive().isEqualTo(boundPort());
		}

	}

}
