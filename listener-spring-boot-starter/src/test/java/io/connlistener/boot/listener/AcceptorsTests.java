package io.connlistener.boot.listener;

import java.net.InetSocketAddress;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.stream.Collectors;

import io.connlistener.ConnListener;
import io.connlistener.boot.actuate.endpoint.ConnListenersEndpoint;
import io.connlistener.boot.actuate.endpoint.ListenerDescriptor;
import io.connlistener.boot.actuate.metrics.ConnListenerMetrics;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.autoconfigure.endpoint.ConnListenersEndpointAutoConfiguration;
import io.connlistener.boot.autoconfigure.metrics.ConnListenerMetricsAutoConfiguration;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.boot.testsupport.TestHandlers;
import io.connlistener.testsupport.Figures;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

/**
 * Tests for listeners that accept on several {@code SO_REUSEPORT} sockets of one port
 * ({@code acceptors}), shown as one listener.
 */
@Timeout(60)
class AcceptorsTests {

	/** Linux spreads connections by a hash of the 4-tuple: 64 land on each of 4 sockets. */
	private static final int CLIENTS = 64;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class,
				ConnListenersEndpointAutoConfiguration.class, ConnListenerMetricsAutoConfiguration.class))
		.withUserConfiguration(EchoConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.defaults.address=127.0.0.1",
				"conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.acceptors=4",
				"management.endpoints.web.exposure.include=connlisteners");

	@Test
	void connectionsLandOnEveryAcceptorOfOnePort() {
		this.contextRunner.withBean(SimpleMeterRegistry.class).run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			List<ConnListener> acceptors = echo.acceptors();
			assertThat(acceptors).hasSize(4);
			int port = ((InetSocketAddress) echo.localAddress()).getPort();
			assertThat(acceptors).allSatisfy(
					(acceptor) -> assertThat(((InetSocketAddress) acceptor.localAddress()).getPort()).isEqualTo(port));
			Set<String> threads = acceptors.stream()
				.map((acceptor) -> acceptor.loop().toString())
				.collect(Collectors.toSet());
			assertThat(threads).as("one loop per acceptor").hasSize(4);
			List<LoopbackClient> clients = new ArrayList<>();
			try {
				for (int i = 0; i < CLIENTS; i++) {
					LoopbackClient client = LoopbackClient.connect(echo.localAddress());
					clients.add(client);
					assertThat(client.exchange("hello-" + i)).isEqualTo("hello-" + i + "|platform");
				}
				List<Long> perAcceptor = List.of(echo.accepted(0), echo.accepted(1), echo.accepted(2), echo.accepted(3));
				Figures.record("acceptors", "accepted per acceptor of %d connections: %s", CLIENTS, perAcceptor);
				assertThat(perAcceptor).allSatisfy((accepted) -> assertThat(accepted).isPositive());
				assertThat(perAcceptor.stream().mapToLong(Long::longValue).sum()).isEqualTo(CLIENTS);
				assertThat(echo.stats().accepted()).isEqualTo(CLIENTS);
				assertThat(echo.stats().activeConnections()).isEqualTo(CLIENTS);
				ListenerDescriptor row = context.getBean(ConnListenersEndpoint.class).listener("echo");
				assertThat(row.acceptors()).isEqualTo(4);
				assertThat(row.accepted()).isEqualTo(CLIENTS);
				assertThat(row.acceptedPerAcceptor()).isEqualTo(perAcceptor);
				assertThat(row.activeConnections()).isEqualTo(CLIENTS);
				assertThat(row.options()).contains("reuseable-port");
				assertThat(context.getBean(ConnListenersEndpoint.class).listeners().listeners()).containsOnlyKeys("echo");
				MeterRegistry meters = context.getBean(MeterRegistry.class);
				context.getBean(ConnListenerMetrics.class).bindTo(meters);
				assertThat(meters.get("conn.listener.accepts").tag("listener", "echo").functionCounter().count())
					.isEqualTo(CLIENTS);
				for (int i = 0; i < 4; i++) {
					assertThat(meters.get("conn.listener.acceptor.accepts")
						.tags("listener", "echo", "acceptor", Integer.toString(i))
						.functionCounter()
						.count()).isEqualTo(perAcceptor.get(i).doubleValue());
				}
			}
			finally {
				clients.forEach(LoopbackClient::close);
			}
			await().until(() -> echo.activeConnections() == 0);
		});
	}

	@Test
	void disablingStopsEveryAcceptorAndStopReleasesThePort() {
		this.contextRunner.run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			echo.disable();
			assertThat(echo.acceptors()).noneMatch(ConnListener::isEnabled);
			echo.enable();
			assertThat(echo.acceptors()).allMatch(ConnListener::isEnabled);
			int port = ((InetSocketAddress) echo.localAddress()).getPort();
			context.stop();
			assertThatExceptionOfType(java.net.ConnectException.class)
				.isThrownBy(() -> new java.net.Socket("127.0.0.1", port).close());
			assertThat(echo.acceptors()).noneMatch(ConnListener::isOpen);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class EchoConfiguration {

		@Bean
		@ConnectionHandler("echo")
		BlockingConnectionHandler echoHandler() {
			return TestHandlers.lineEcho();
		}

	}

}
