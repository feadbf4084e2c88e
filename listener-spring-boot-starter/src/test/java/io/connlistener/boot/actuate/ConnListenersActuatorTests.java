package io.connlistener.boot.actuate;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.connlistener.boot.actuate.endpoint.ConnListenerEnabledEvent;
import io.connlistener.boot.actuate.endpoint.ConnListenersEndpoint;
import io.connlistener.boot.actuate.endpoint.ConnListenersEndpointWebExtension;
import io.connlistener.boot.actuate.endpoint.ConnListenersEndpointWebExtension.ErrorDescriptor;
import io.connlistener.boot.actuate.endpoint.ListenerDescriptor;
import io.connlistener.boot.actuate.health.ConnListenersHealthContributor;
import io.connlistener.boot.actuate.metrics.ConnListenerMetrics;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.autoconfigure.endpoint.ConnListenersEndpointAutoConfiguration;
import io.connlistener.boot.autoconfigure.health.ConnListenersHealthContributorAutoConfiguration;
import io.connlistener.boot.autoconfigure.metrics.ConnListenerMetricsAutoConfiguration;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ManagedConnListener;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.binder.MeterBinder;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.web.WebEndpointResponse;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationListener;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * The endpoint and meters over real listeners in a real context; health is in
 * {@link ConnListenersHealthTests}.
 */
@Timeout(60)
class ConnListenersActuatorTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class,
				ConnListenersEndpointAutoConfiguration.class, ConnListenersHealthContributorAutoConfiguration.class,
				ConnListenerMetricsAutoConfiguration.class))
		.withUserConfiguration(HoldingHandlerConfiguration.class)
		.withPropertyValues(HoldingHandlerConfiguration.ECHO_ON_LOOPBACK)
		.withPropertyValues("management.endpoints.web.exposure.include=connlisteners");

	@Test
	void endpointListsListenersAndCountsAccepts() {
		this.contextRunner.run((context) -> {
			ConnListenersEndpoint endpoint = context.getBean(ConnListenersEndpoint.class);
			List<Socket> clients = connect(context.getBean(ConnListenerRegistry.class).get("echo"), 3);
			HoldingHandlerConfiguration.Held held = context.getBean(HoldingHandlerConfiguration.Held.class);
			await().until(() -> held.size() == 3);
			ListenerDescriptor echo = endpoint.listeners().listeners().get("echo");
			assertThat(echo.name()).isEqualTo("echo");
			assertThat(echo.address()).startsWith("127.0.0.1:");
			assertThat(echo.state()).isEqualTo("RUNNING");
			assertThat(echo.enabled()).isTrue();
			assertThat(echo.accepting()).isTrue();
			assertThat(echo.accepted()).isEqualTo(3);
			assertThat(echo.activeConnections()).isEqualTo(3);
			assertThat(echo.acceptErrors()).containsEntry("too-many-open-files", 0L);
			assertThat(echo.rejections()).containsEntry("max-connections", 0L).containsEntry("handler-failed", 0L)
				.containsEntry("idle-timeout", 0L).containsEntry("write-timeout", 0L);
			assertThat(echo.lastAcceptError()).isNull();
			assertThat(echo.rejections()).containsEntry("proxy-untrusted", 0L).containsEntry("proxy-timeout", 0L);
			assertThat(echo.proxyProtocol().mode()).isEqualTo("off");
			assertThat(echo.proxyProtocol().trustedProxies()).isEmpty();
			assertThat(echo.proxyProtocol().timeoutMillis()).isEqualTo(3000);
			assertThat(endpoint.listener("echo")).isEqualTo(endpoint.listeners().listeners().get("echo"));
			assertThat(endpoint.listener("nope")).isNull();
			close(clients);
			held.closeAll();
		});
	}

	@Test
	void writeOperationDisablesAndEnablesIdempotentlyAndPublishesEvents() {
		this.contextRunner.withUserConfiguration(EventRecorder.class).run((context) -> {
			ConnListenersEndpoint endpoint = context.getBean(ConnListenersEndpoint.class);
			EventRecorder events = context.getBean(EventRecorder.class);
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			assertThat(endpoint.setEnabled(null, "echo", false).enabled()).isFalse();
			assertThat(endpoint.setEnabled(null, "echo", false).enabled()).isFalse();
			await().until(() -> !echo.isAccepting());
			assertThat(echo.isEnabled()).isFalse();
			assertThat(endpoint.setEnabled(null, "echo", true).enabled()).isTrue();
			await().until(echo::isAccepting);
			assertThat(endpoint.setEnabled(null, "nope", true)).isNull();
			assertThat(events.events).extracting(ConnListenerEnabledEvent::isEnabled).containsExactly(false, false, true);
			assertThat(events.events).extracting(ConnListenerEnabledEvent::isChanged).containsExactly(true, false, true);
			assertThat(events.events).extracting(ConnListenerEnabledEvent::getListenerName).containsOnly("echo");
		});
	}

	@Test
	void webExtensionAnswersAnUnknownListenerWith404() {
		this.contextRunner.run((context) -> {
			ConnListenersEndpointWebExtension extension = context.getBean(ConnListenersEndpointWebExtension.class);
			WebEndpointResponse<Object> unknown = extension.setEnabled(SecurityContext.NONE, "nope", "false");
			assertThat(unknown.getStatus()).isEqualTo(404);
			WebEndpointResponse<Object> known = extension.setEnabled(SecurityContext.NONE, "echo", "false");
			assertThat(known.getStatus()).isEqualTo(200);
			assertThat(known.getBody()).isInstanceOfSatisfying(ListenerDescriptor.class,
					(descriptor) -> assertThat(descriptor.enabled()).isFalse());
		});
	}

	@Test
	void webExtensionAnswersAnEnabledThatIsNeitherTrueNorFalseWith400SayingWhy() {
		this.contextRunner.run((context) -> {
			ConnListenersEndpointWebExtension extension = context.getBean(ConnListenersEndpointWebExtension.class);
			assertThat(extension.setEnabled(SecurityContext.NONE, "echo", "nope")).satisfies((response) -> {
				assertThat(response.getStatus()).isEqualTo(400);
				assertThat(response.getBody()).isEqualTo(new ErrorDescriptor(400, "Bad Request",
						"Listener 'echo' was not changed: 'enabled' must be true or false, but is 'nope'."));
			});
			assertThat(extension.setEnabled(SecurityContext.NONE, "echo", null)).satisfies((response) -> {
				assertThat(response.getStatus()).isEqualTo(400);
				assertThat(response.getBody()).isEqualTo(new ErrorDescriptor(400, "Bad Request",
						"Listener 'echo' was not changed: 'enabled' must be true or false, but the body does not "
								+ "set it: send {\"enabled\": false} or {\"enabled\": true}."));
			});
			assertThat(context.getBean(ConnListenerRegistry.class).get("echo").isEnabled()).isTrue();
			assertThat(extension.setEnabled(SecurityContext.NONE, "echo", "FALSE").getStatus()).isEqualTo(200);
			assertThat(context.getBean(ConnListenerRegistry.class).get("echo").isEnabled()).isFalse();
		});
	}

	@Test
	void endpointBacksOffWhenNotExposed() {
		this.contextRunner.withPropertyValues("management.endpoints.web.exposure.include=health")
			.run((context) -> assertThat(context).doesNotHaveBean(ConnListenersEndpoint.class)
				.doesNotHaveBean(ConnListenersEndpointWebExtension.class));
	}

	@Test
	void endpointBacksOffWhenAccessIsNone() {
		this.contextRunner.withPropertyValues("management.endpoint.connlisteners.access=NONE")
			.run((context) -> assertThat(context).doesNotHaveBean(ConnListenersEndpoint.class));
	}

	@Test
	void metersCountAcceptsExactlyAndShowState() {
		this.contextRunner.withBean(SimpleMeterRegistry.class).run((context) -> {
			MeterRegistry registry = context.getBean(MeterRegistry.class);
			context.getBean(ConnListenerMetrics.class).bindTo(registry);
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			HoldingHandlerConfiguration.Held held = context.getBean(HoldingHandlerConfiguration.Held.class);
			assertThat(registry.get("conn.listener.accepts").tag("listener", "echo").functionCounter().count()).isZero();
			List<Socket> clients = connect(echo, 5);
			await().until(() -> held.size() == 5);
			assertThat(registry.get("conn.listener.accepts").tag("listener", "echo").functionCounter().count())
				.isEqualTo(5);
			assertThat(registry.get("conn.listener.connections.active").tag("listener", "echo").gauge().value())
				.isEqualTo(5);
			assertThat(registry.get("conn.listener.enabled").tag("listener", "echo").gauge().value()).isEqualTo(1);
			assertThat(registry.get("conn.listener.accept.errors")
				.tags("listener", "echo", "reason", "too-many-open-files")
				.functionCounter()
				.count()).isZero();
			assertThat(registry.get("conn.listener.rejections").tags("listener", "echo", "reason", "max-connections")
				.functionCounter()
				.count()).isZero();
			echo.disable();
			assertThat(registry.get("conn.listener.enabled").tag("listener", "echo").gauge().value()).isZero();
			assertThat(registry.getMeters()).allSatisfy((meter) -> assertThat(meter.getId().getTags())
				.extracting(io.micrometer.core.instrument.Tag::getKey)
				.isSubsetOf("listener", "reason", "acceptor", "direction"));
			close(clients);
			held.closeAll();
			await().until(() -> registry.get("conn.listener.connection.duration").tag("listener", "echo").timer()
				.count() == 5);
		});
	}

	@Test
	void backlogGaugesSumTheQueuesOfTheListenersSocketsOnItsOwnAddress() {
		assumeThat(Path.of("/proc/net/tcp")).as("a Linux kernel, which shows accept queues in /proc/net/tcp")
			.isReadable();
		this.contextRunner.withBean(SimpleMeterRegistry.class)
			.withPropertyValues("conn-listener.listeners.echo.acceptors=2")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
				context.getBean(ConnListenerMetrics.class).bindTo(registry);
				Gauge queued = registry.get("conn.listener.backlog.queued").tag("listener", "echo").gauge();
				long somaxconn = somaxconn();
				assertThat(registry.get("conn.listener.backlog.limit").tag("listener", "echo").gauge().value())
					.isEqualTo(2.0 * somaxconn);
				int port = ((InetSocketAddress) echo.localAddress()).getPort();
				// Another socket on the same port, another address: its queue is not the listener's.
				try (ServerSocket neighbour = new ServerSocket()) {
					neighbour.bind(new InetSocketAddress("127.0.0.2", port), 50);
					List<Socket> elsewhere = connect(new InetSocketAddress("127.0.0.2", port), 3);
					echo.disable();
					await().until(() -> !echo.isAccepting());
					// Spread by the kernel over both acceptors' queues.
					List<Socket> waiting = connect((InetSocketAddress) echo.localAddress(), 4);
					await().until(() -> queued.value() == 4);
					echo.enable();
					await().until(() -> queued.value() == 0);
					close(waiting);
					close(elsewhere);
				}
				context.getBean(HoldingHandlerConfiguration.Held.class).closeAll();
			});
	}

	@Test
	void eachIntegrationBacksOffWithoutItsClasses() {
		this.contextRunner.withClassLoader(new FilteredClassLoader(Endpoint.class, HealthIndicator.class, MeterBinder.class))
			.run((context) -> assertThat(context).hasNotFailed()
				.hasSingleBean(ConnListenerRegistry.class)
				.doesNotHaveBean(ConnListenersEndpoint.class)
				.doesNotHaveBean(ConnListenersHealthContributor.class)
				.doesNotHaveBean(ConnListenerMetrics.class));
	}

	private static List<Socket> connect(ManagedConnListener listener, int count) throws Exception {
		return connect((InetSocketAddress) listener.localAddress(), count);
	}

	private static List<Socket> connect(InetSocketAddress address, int count) throws Exception {
		List<Socket> clients = new ArrayList<>();
		for (int i = 0; i < count; i++) {
			Socket socket = new Socket();
			socket.connect(address, 5000);
			clients.add(socket);
		}
		return clients;
	}

	private static long somaxconn() throws IOException {
		// Read to end of stream: /proc reports a size that cuts Files.readString short.
		try (InputStream in = Files.newInputStream(Path.of("/proc/sys/net/core/somaxconn"))) {
			return Long.parseLong(new String(in.readAllBytes(), StandardCharsets.US_ASCII).strip());
		}
	}

	private static void close(List<Socket> clients) throws Exception {
		for (Socket client : clients) {
			client.close();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class EventRecorder implements ApplicationListener<ConnListenerEnabledEvent> {

		final List<ConnListenerEnabledEvent> events = new java.util.concurrent.CopyOnWriteArrayList<>();

		@Override
		public void onApplicationEvent(ConnListenerEnabledEvent event) {
			this.events.add(event);
		}

		@Bean
		String eventRecorderMarker() {
			return "marker";
		}

	}

}
