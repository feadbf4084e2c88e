package io.connlistener.sample;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ManagedConnListener;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.beans.factory.annotation.Qualifier;
import org.springframework.boot.test.context.SpringBootTest;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link SampleApplication}: the echo server answers a real client.
 */
@SpringBootTest(properties = { "conn-listener.listeners.echo.port=0",
		"conn-listener.listeners.echo.address=127.0.0.1" })
@Timeout(60)
class SampleApplicationTests {

	@Autowired
	private ConnListenerRegistry registry;

	@Autowired
	@Qualifier("echoConnListener")
	private ManagedConnListener echo;

	@Test
	void echoesWhatItReceives() throws Exception {
		assertThat(this.registry.get("echo")).isSameAs(this.echo);
		int port = ((InetSocketAddress) this.echo.localAddress()).getPort();
		try (Socket socket = new Socket()) {
			socket.connect(new InetSocketAddress("127.0.0.1", port), 10_000);
			socket.setSoTimeout(10_000);
			OutputStream output = socket.getOutputStream();
			BufferedReader input = new BufferedReader(
					new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
			output.write("hello, echo\n".getBytes(StandardCharsets.UTF_8));
			assertThat(input.readLine()).isEqualTo("hello, echo");
			output.write("and again\n".getBytes(StandardCharsets.UTF_8));
			assertThat(input.readLine()).isEqualTo("and again");
		}
	}

}
