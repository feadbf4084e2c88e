package io.connlistener.boot.autoconfigure.metrics;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.connlistener.AcceptCallback;
import io.connlistener.ConnListener;
import io.connlistener.boot.actuate.endpoint.ListenerDescriptor;
import io.connlistener.boot.actuate.metrics.ConnListenerMetrics;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.handler.MessageContext;
import io.connlistener.boot.handler.MessageHandler;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.boot.testsupport.EchoGreeterConfiguration;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ConnListenerMetricsAutoConfiguration} among Boot's own metrics
 * auto-configurations.
 */
@Timeout(60)
class ConnListenerMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ConnListenerAutoConfiguration.class, ConnListenerMetricsAutoConfiguration.class))
		.withUserConfiguration(EchoGreeterConfiguration.class)
		.withPropertyValues("conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.address=127.0.0.1");

	/**
	 * With Boot's metrics auto-configurations: sorted by name alone, ours would come first
	 * and find no registry yet.
	 */
	private final ApplicationContextRunner withMetrics = this.contextRunner
		.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
				SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class));

	@Test
	void metersAreBoundToTheRegistryBootAutoConfigures() {
		this.withMetrics
			.run((context) -> {
				assertThat(context).hasSingleBean(ConnListenerMetrics.class).hasBean("connListenerMetrics");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("conn.listener.accepts").tag("listener", "echo").functionCounter())
					.isNotNull();
				assertThat(registry.find("conn.listener.enabled").tag("listener", "echo").gauge().value()).isOne();
			});
	}

	@Test
	void onlyAListenerAMessageHandlerServesHasMessageMetersOnceEach() {
		// The defaults' framing reaches the raw listener too, which does not use it; the binder
		// binds at refresh and the start event comes after: each message is timed once.
		this.withMetrics
			.withBean("ordersHandler", OrdersHandler.class, OrdersHandler::new)
			.withPropertyValues("conn-listener.defaults.framing.type=line", "conn-listener.listeners.orders.port=0",
					"conn-listener.listeners.orders.address=127.0.0.1")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				ConnListenerRegistry listeners = context.getBean(ConnListenerRegistry.class);
				ManagedConnListener orders = listeners.get("orders");
				try (LoopbackClient client = LoopbackClient.connect(orders.localAddress())) {
					assertThat(client.exchange("a")).isEqualTo("OK a");
				}
				assertThat(registry.get("conn.listener.message.duration").tag("listener", "orders").timer().count())
					.isOne();
				assertThat(registry.get("conn.listener.messages.received").tag("listener", "orders")
					.functionCounter()
					.count()).isOne();
				assertThat(registry.find("conn.listener.messages.received").tag("listener", "echo").meters()).isEmpty();
				assertThat(registry.find("conn.listener.message.duration").tag("listener", "echo").meters()).isEmpty();
				assertThat(ListenerDescriptor.of(listeners.get("echo")).framing()).isNull();
				assertThat(ListenerDescriptor.of(orders).framing()).isNotNull();
			});
	}

	@Test
	void aListenerAtItsConnectionLimitIsEnabledButNotAccepting() {
		Holder holder = new Holder();
		this.withMetrics
			.withBean("heldHandler", Holder.class, () -> holder)
			.withPropertyValues("conn-listener.listeners.held.port=0", "conn-listener.listeners.held.address=127.0.0.1",
					"conn-listener.listeners.held.max-connections=1")
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				ManagedConnListener held = context.getBean(ConnListenerRegistry.class).get("held");
				// The loop starts watching the socket after the start returns.
				await().atMost(Duration.ofSeconds(10)).until(() -> gauge(registry, "conn.listener.accepting", "held") == 1);
				try (LoopbackClient client = LoopbackClient.connect(held.localAddress())) {
					await().atMost(Duration.ofSeconds(10))
						.until(() -> gauge(registry, "conn.listener.accepting", "held") == 0);
					assertThat(gauge(registry, "conn.listener.enabled", "held")).isOne();
					holder.closeAll();
					await().atMost(Duration.ofSeconds(10))
						.until(() -> gauge(registry, "conn.listener.accepting", "held") == 1);
				}
				held.disable();
				assertThat(gauge(registry, "conn.listener.enabled", "held")).isZero();
				await().atMost(Duration.ofSeconds(10)).until(() -> gauge(registry, "conn.listener.accepting", "held") == 0);
			});
	}

	@Test
	void backsOffWithoutAMeterRegistry() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ConnListenerRegistry.class)
			.doesNotHaveBean(ConnListenerMetrics.class));
	}

	@Test
	void aUserBinderWins() {
		this.withMetrics
			.withBean("myMetrics", ConnListenerMetrics.class,
					() -> new ConnListenerMetrics(new ConnListenerRegistry(java.util.List.of())))
			.run((context) -> assertThat(context).hasSingleBean(ConnListenerMetrics.class).hasBean("myMetrics"));
	}

	private static double gauge(MeterRegistry registry, String name, String listener) {
		return registry.get(name).tag("listener", listener).gauge().value();
	}

	@ConnectionHandler("orders")
	static class OrdersHandler implements MessageHandler<String> {

		@Override
		public String onMessage(String line, MessageContext context) {
			return "OK " + line;
		}

	}

	/** Holds every connection until told, then closes and reports each, as a raw handler must. */
	@ConnectionHandler("held")
	static class Holder implements AcceptCallback {

		private final Queue<Runnable> closes = new ConcurrentLinkedQueue<>();

		@Override
		public void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
			this.closes.add(() -> {
				try {
					channel.close();
				}
				catch (IOException ex) {
					// Closed already: the report below is what counts.
				}
				listener.connectionClosed(remoteAddress);
			});
		}

		void closeAll() {
			for (Runnable close = this.closes.poll(); close != null; close = this.closes.poll()) {
				close.run();
			}
		}

	}

}
