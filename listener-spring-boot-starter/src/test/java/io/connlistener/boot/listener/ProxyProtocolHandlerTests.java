package io.connlistener.boot.listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;

import io.connlistener.AcceptCallback;
import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.RejectionReason;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.proxy.ProxyProtocolMode;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for listeners that require the PROXY protocol: every handler style sees the
 * client's address from the header as the remote address, and the bytes after it.
 */
@Timeout(60)
class ProxyProtocolHandlerTests {

	private static final String HEADER = "PROXY TCP4 203.0.113.7 192.0.2.1 51234 443\r\n";

	private static final String CLIENT = "203.0.113.7:51234";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(Handlers.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.defaults.address=127.0.0.1",
				"conn-listener.defaults.proxy-protocol=required", "conn-listener.defaults.trusted-proxies=127.0.0.1",
				"conn-listener.listeners.raw.port=0", "conn-listener.listeners.blocking.port=0",
				"conn-listener.listeners.buffered.port=0");

	@Test
	void blockingHandlerSeesTheClientAndTheProxy() {
		this.contextRunner.run((context) -> {
			ManagedConnListener blocking = context.getBean(ConnListenerRegistry.class).get("blocking");
			assertThat(blocking.listener().proxyProtocol().mode()).isEqualTo(ProxyProtocolMode.REQUIRED);
			try (LoopbackClient client = LoopbackClient.connect(blocking.localAddress())) {
				client.send(HEADER + "hello\n");
				assertThat(client.readLine()).startsWith(CLIENT + " via 127.0.0.1:").endsWith(" said hello");
			}
			await().until(() -> blocking.activeConnections() == 0);
		});
	}

	@Test
	void bufferedHandlerSeesTheClientAndTheBytesAfterTheHeader() {
		this.contextRunner.run((context) -> {
			ManagedConnListener buffered = context.getBean(ConnListenerRegistry.class).get("buffered");
			try (LoopbackClient client = LoopbackClient.connect(buffered.localAddress())) {
				client.send(HEADER + "hello\n");
				assertThat(client.readLine()).isEqualTo(CLIENT);
				assertThat(client.readLine()).isEqualTo("hello");
			}
			await().until(() -> buffered.activeConnections() == 0);
		});
	}

	@Test
	void rawHandlerSeesTheClientAndTheProxy() {
		this.contextRunner.run((context) -> {
			ManagedConnListener raw = context.getBean(ConnListenerRegistry.class).get("raw");
			try (LoopbackClient client = LoopbackClient.connect(raw.localAddress())) {
				client.send(HEADER);
				assertThat(client.readLine()).startsWith(CLIENT + " via 127.0.0.1:");
			}
		});
	}

	@Test
	void peerOutsideTheTrustedProxiesIsClosedBeforeTheHandlerAndCounted() {
		this.contextRunner.withPropertyValues("conn-listener.listeners.blocking.trusted-proxies=10.0.0.0/8")
			.run((context) -> {
				ManagedConnListener blocking = context.getBean(ConnListenerRegistry.class).get("blocking");
				try (LoopbackClient client = LoopbackClient.connect(blocking.localAddress())) {
					assertThat(client.isClosedByPeer()).isTrue();
				}
				assertThat(blocking.stats().rejections(RejectionReason.PROXY_UNTRUSTED)).isEqualTo(1);
				assertThat(blocking.stats().accepted()).isEqualTo(1);
				assertThat(blocking.activeConnections()).isZero();
			});
	}

	@Test
	void connectionWithoutAHeaderIsClosedAtTheTimeoutAndCounted() {
		this.contextRunner.withPropertyValues("conn-listener.listeners.blocking.proxy-protocol-timeout=200ms")
			.run((context) -> {
				ManagedConnListener blocking = context.getBean(ConnListenerRegistry.class).get("blocking");
				assertThat(blocking.listener().proxyProtocol().timeout()).isEqualTo(Duration.ofMillis(200));
				try (LoopbackClient client = LoopbackClient.connect(blocking.localAddress())) {
					assertThat(client.isClosedByPeer()).isTrue();
				}
				assertThat(blocking.stats().rejections(RejectionReason.PROXY_TIMEOUT)).isEqualTo(1);
			});
	}

	private static String describe(SocketAddress address) {
		return ListenerDefinition.describe(address);
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		@ConnectionHandler("blocking")
		BlockingConnectionHandler blockingHandler() {
			return (connection) -> {
				BufferedReader reader = new BufferedReader(
						new InputStreamReader(connection.inputStream(), StandardCharsets.UTF_8));
				String line = reader.readLine();
				PrintWriter writer = new PrintWriter(connection.outputStream(), true, StandardCharsets.UTF_8);
				writer.println(describe(connection.remoteAddress()) + " via " + describe(connection.proxyAddress())
						+ " said " + line);
			};
		}

		@Bean
		@ConnectionHandler("buffered")
		BufferedHandler bufferedHandler() {
			return new BufferedHandler() {

				@Override
				public void onOpen(BufferedConnection connection) {
					connection.write((describe(connection.remoteAddress()) + "\n").getBytes(StandardCharsets.UTF_8));
				}

				@Override
				public void onRead(BufferedConnection connection) {
					connection.input().moveTo(connection.output());
				}

			};
		}

		@Bean
		@ConnectionHandler("raw")
		AcceptCallback rawHandler() {
			return new AcceptCallback() {

				@Override
				public void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
					throw new IllegalStateException("The starter must pass the whole connection");
				}

				@Override
				public void onAccept(ConnListener listener, AcceptedConnection connection) {
					try (SocketChannel channel = connection.channel()) {
						channel.write(StandardCharsets.UTF_8.encode(describe(connection.remoteAddress()) + " via "
								+ describe(connection.proxyAddress()) + "\n"));
					}
					catch (IOException ex) {
						throw new java.io.UncheckedIOException(ex);
					}
					listener.connectionClosed(connection.remoteAddress());
				}

			};
		}

	}

}
