package io.connlistener.boot.autoconfigure.observation;

import java.lang.System.Logger.Level;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.stream.Collectors;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.handler.MessageContext;
import io.connlistener.boot.handler.MessageHandler;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ConnectionInfo;
import io.connlistener.boot.listener.ConnectionRegistry;
import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.boot.listener.tracking.TrackedConnection;
import io.connlistener.boot.observation.ConnListenerObservations;
import io.connlistener.boot.observation.ConnectionSetupObservationContext;
import io.connlistener.boot.observation.ConnectionSetupObservationConvention;
import io.connlistener.boot.observation.DefaultConnectionSetupObservationConvention;
import io.connlistener.boot.testsupport.CapturingAppender;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.testsupport.LogCapture;
import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationHandler;
import io.micrometer.observation.ObservationRegistry;
import io.micrometer.observation.tck.TestObservationRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.CsvSource;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.test.context.FilteredClassLoader;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static io.micrometer.observation.tck.TestObservationRegistryAssert.assertThat;
import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@link ConnListenerObservationAutoConfiguration}, with real connections on the
 * loopback interface: the setup observation of each connection, the message observation of
 * each handler call, the conventions, Boot's off switch and backing off.
 */
@Timeout(60)
class ConnListenerObservationAutoConfigurationTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final String SETUP = "conn.listener.connection.setup";

	private static final String MESSAGE = "conn.listener.message";

	@RegisterExtension
	final LogCapture log = CapturingAppender.capture();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class,
				ConnListenerObservationAutoConfiguration.class))
		.withUserConfiguration(Handlers.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.connection-observations=true",
				"conn-listener.message-observations=true",
				"conn-listener.defaults.address=127.0.0.1",
				"conn-listener.listeners.commands.port=0", "conn-listener.listeners.commands.framing.type=line");

	@Test
	void eachConnectionHasOneShortSetupObservationWithLowCardinalityKeysAndNoAddress() {
		this.contextRunner.withUserConfiguration(TestRegistry.class).run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			ManagedConnListener commands = listener(context.getBean(ConnListenerRegistry.class));
			for (int i = 0; i < 3; i++) {
				try (LoopbackClient client = LoopbackClient.connect(commands.localAddress())) {
					// The reply comes after the first byte, which ended the setup.
					assertThat(client.exchange("hello")).isEqualTo("OK hello");
					assertThat(setups(registry)).hasSize(i + 1);
				}
			}
			assertThat(registry).hasNumberOfObservationsWithNameEqualTo(SETUP, 3)
				.forAllObservationsWithNameEqualTo(SETUP, (observation) -> observation
					.hasLowCardinalityKeyValue("listener", "commands")
					.hasLowCardinalityKeyValue("outcome", "ready")
					.hasLowCardinalityKeyValue("network.transport", "tcp")
					.hasLowCardinalityKeyValue("tls.protocol", "none")
					.hasLowCardinalityKeyValue("error.type", "none")
					.hasHighCardinalityKeyValueWithKey("network.peer.address")
					.hasHighCardinalityKeyValueWithKey("connection.id"));
			for (ConnectionSetupObservationContext setup : setups(registry)) {
				assertThat(setup.getLowCardinalityKeyValues().stream().map(KeyValue::getKey))
					.containsExactlyInAnyOrder("listener", "outcome", "network.transport", "tls.protocol", "error.type");
				assertThat(setup.getLowCardinalityKeyValues().stream().map(KeyValue::getValue))
					.noneMatch((value) -> value.contains("127.0.0.1"));
				assertThat(setup.getHighCardinalityKeyValue("network.peer.address").getValue()).startsWith("127.0.0.1:");
			}
			Set<String> ids = setups(registry).stream()
				.map((setup) -> setup.getHighCardinalityKeyValue("connection.id").getValue())
				.collect(Collectors.toSet());
			assertThat(ids).hasSize(3);
		});
	}

	@Test
	void theConnectionIdOfSetupsAndMessagesIsTheIdTheConnectionRegistryKnowsTheConnectionBy() {
		this.contextRunner.withUserConfiguration(TestRegistry.class).run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			ConnectionRegistry connections = context.getBean(ConnectionRegistry.class);
			ManagedConnListener commands = listener(context.getBean(ConnListenerRegistry.class));
			// As another listener's connection would: a counter of this listener's own would now differ.
			TrackedConnection.nextId();
			try (LoopbackClient first = LoopbackClient.connect(commands.localAddress());
					LoopbackClient second = LoopbackClient.connect(commands.localAddress())) {
				assertThat(first.exchange("one")).isEqualTo("OK one");
				assertThat(second.exchange("two")).isEqualTo("OK two");
				Set<Long> observed = setups(registry).stream()
					.map((setup) -> Long.valueOf(setup.getHighCardinalityKeyValue("connection.id").getValue()))
					.collect(Collectors.toSet());
				Set<Long> listed = connections.list("commands").stream()
					.map(ConnectionInfo::id)
					.collect(Collectors.toSet());
				assertThat(observed).hasSize(2).isEqualTo(listed);
				Set<Long> messages = contexts(registry, MESSAGE).stream()
					.map((message) -> Long.valueOf(message.getHighCardinalityKeyValue("connection.id").getValue()))
					.collect(Collectors.toSet());
				assertThat(messages).isEqualTo(listed);
			}
		});
	}

	@Test
	void aConnectionClosedBeforeItsFirstByteEndsItsSetupAsClosed() {
		this.contextRunner.withUserConfiguration(TestRegistry.class).run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			ManagedConnListener commands = listener(context.getBean(ConnListenerRegistry.class));
			try (LoopbackClient client = LoopbackClient.connect(commands.localAddress())) {
				await().atMost(WAIT).until(() -> commands.activeConnections() == 1);
				assertThat(setups(registry)).hasSize(1);
				assertThat(setups(registry).get(0).getOutcome()).as("open, no byte yet").isNull();
			}
			await().atMost(WAIT).until(() -> setups(registry).get(0).getOutcome() != null);
			assertThat(registry).hasSingleObservationThat()
				.hasNameEqualTo(SETUP)
				.hasBeenStopped()
				.hasLowCardinalityKeyValue("outcome", "closed")
				.hasLowCardinalityKeyValue("error.type", "none");
		});
	}

	@Test
	void aRejectedConnectionIsObservedWithItsReason() {
		this.contextRunner.withUserConfiguration(TestRegistry.class)
			.withPropertyValues("conn-listener.listeners.commands.admission.rules=deny 127.0.0.0/8")
			.run((context) -> {
				TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
				ManagedConnListener commands = listener(context.getBean(ConnListenerRegistry.class));
				try (LoopbackClient client = LoopbackClient.connect(commands.localAddress())) {
					await().atMost(WAIT).until(client::isClosedByPeer);
				}
				assertThat(registry).hasSingleObservationThat()
					.hasNameEqualTo(SETUP)
					.hasBeenStopped()
					.hasLowCardinalityKeyValue("outcome", "rejected")
					.hasLowCardinalityKeyValue("error.type", "denied");
			});
	}

	@Test
	void eachHandlerCallHasAMessageObservationThatTellsAFailure() throws InterruptedException {
		this.contextRunner.withUserConfiguration(TestRegistry.class).run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			ManagedConnListener commands = listener(context.getBean(ConnListenerRegistry.class));
			try (LoopbackClient client = LoopbackClient.connect(commands.localAddress())) {
				assertThat(client.exchange("one")).isEqualTo("OK one");
				assertThat(client.exchange("two")).isEqualTo("OK two");
				client.send("fail\n");
				await().atMost(WAIT).until(client::isClosedByPeer);
			}
			assertThat(registry).hasNumberOfObservationsWithNameEqualTo(MESSAGE, 3);
			List<Observation.Context> messages = contexts(registry, MESSAGE);
			assertThat(messages).map((message) -> message.getLowCardinalityKeyValue("outcome").getValue())
				.containsExactly("success", "success", "error");
			assertThat(messages.get(2).getLowCardinalityKeyValue("error.type").getValue())
				.isEqualTo("IllegalStateException");
			assertThat(messages.get(0).getLowCardinalityKeyValue("listener").getValue()).isEqualTo("commands");
			assertThat(messages.get(0).getLowCardinalityKeyValue("error.type").getValue()).isEqualTo("none");
			assertThat(this.log.awaitEntry(Level.WARNING, "Message handler of listener 'commands' failed").thrown())
				.hasMessage("told to fail");
		});
	}

	@ParameterizedTest(name = "{0}=false")
	@CsvSource({ "message-observations, " + SETUP + ", " + MESSAGE, "connection-observations, " + MESSAGE + ", " + SETUP })
	void eachKindIsObservedOnlyWhenAskedFor(String property, String observed, String notObserved) {
		this.contextRunner.withUserConfiguration(TestRegistry.class)
			.withPropertyValues("conn-listener." + property + "=false")
			.run((context) -> {
				TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
				ManagedConnListener commands = listener(context.getBean(ConnListenerRegistry.class));
				try (LoopbackClient client = LoopbackClient.connect(commands.localAddress())) {
					assertThat(client.exchange("one")).isEqualTo("OK one");
				}
				await().atMost(WAIT).untilAsserted(
						() -> assertThat(registry).hasNumberOfObservationsWithNameEqualTo(observed, 1));
				assertThat(registry).hasNumberOfObservationsWithNameEqualTo(notObserved, 0);
				if (notObserved.equals(MESSAGE)) {
					assertThat(commands.messageObserver()).isNull();
				}
			});
	}

	@Test
	void aConventionBeanReplacesTheDefault() {
		this.contextRunner.withUserConfiguration(TestRegistry.class, CustomConvention.class).run((context) -> {
			TestObservationRegistry registry = context.getBean(TestObservationRegistry.class);
			ManagedConnListener commands = listener(context.getBean(ConnListenerRegistry.class));
			try (LoopbackClient client = LoopbackClient.connect(commands.localAddress())) {
				assertThat(client.exchange("hello")).isEqualTo("OK hello");
			}
			assertThat(registry).hasNumberOfObservationsWithNameEqualTo("tcp.setup", 1)
				.hasObservationWithNameEqualTo("tcp.setup")
				.that()
				.hasLowCardinalityKeyValue("team", "payments")
				.hasLowCardinalityKeyValue("outcome", "ready");
			assertThat(registry).hasNumberOfObservationsWithNameEqualTo(SETUP, 0);
		});
	}

	@Test
	void bootsPropertyTurnsTheObservationsOff() {
		ApplicationContextRunner withBoot = this.contextRunner
			.withConfiguration(AutoConfigurations.of(ObservationAutoConfiguration.class))
			.withUserConfiguration(RecordingHandler.class);
		withBoot.withPropertyValues("management.observations.enable.conn.listener=false").run((context) -> {
			exchangeOnce(context.getBean(ConnListenerRegistry.class));
			assertThat(context.getBean(RecordingHandler.class).names).isEmpty();
		});
		withBoot.run((context) -> {
			exchangeOnce(context.getBean(ConnListenerRegistry.class));
			await().atMost(WAIT).until(() -> context.getBean(RecordingHandler.class).names.size() == 2);
			assertThat(context.getBean(RecordingHandler.class).names).containsExactly(SETUP, MESSAGE);
		});
	}

	@Test
	void withoutAnObservationRegistryNothingIsObserved() {
		this.contextRunner.run((context) -> {
			assertThat(context).doesNotHaveBean(ConnListenerObservations.class);
			ManagedConnListener commands = listener(context.getBean(ConnListenerRegistry.class));
			assertThat(commands.messageObserver()).isNull();
			exchangeOnce(context.getBean(ConnListenerRegistry.class));
		});
	}

	@Test
	void withoutMicrometerObservationTheAutoConfigurationBacksOff() {
		this.contextRunner.withUserConfiguration(TestRegistry.class)
			.withClassLoader(new FilteredClassLoader(ObservationRegistry.class))
			.run((context) -> assertThat(context).doesNotHaveBean(ConnListenerObservations.class));
	}

	@Test
	void aNoopRegistryGetsNoObserver() {
		this.contextRunner.withBean(ObservationRegistry.class, () -> ObservationRegistry.NOOP).run((context) -> {
			assertThat(context).hasSingleBean(ConnListenerObservations.class);
			assertThat(listener(context.getBean(ConnListenerRegistry.class)).messageObserver()).isNull();
			exchangeOnce(context.getBean(ConnListenerRegistry.class));
		});
	}

	private static void exchangeOnce(ConnListenerRegistry registry) {
		try (LoopbackClient client = LoopbackClient.connect(listener(registry).localAddress())) {
			assertThat(client.exchange("hello")).isEqualTo("OK hello");
		}
	}

	private static ManagedConnListener listener(ConnListenerRegistry registry) {
		return registry.get("commands");
	}

	private static List<ConnectionSetupObservationContext> setups(TestObservationRegistry registry) {
		return contexts(registry, SETUP).stream().map(ConnectionSetupObservationContext.class::cast).toList();
	}

	private static List<Observation.Context> contexts(TestObservationRegistry registry, String name) {
		List<Observation.Context> found = new ArrayList<>();
		assertThat(registry).hasHandledContextsThatSatisfy((contexts) -> contexts.stream()
			.filter((context) -> name.equals(context.getName()))
			.forEach(found::add));
		return found;
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		@ConnectionHandler("commands")
		Commands commands() {
			return new Commands();
		}

	}

	static class Commands implements MessageHandler<String> {

		@Override
		public String onMessage(String line, MessageContext context) {
			if (line.equals("fail")) {
				throw new IllegalStateException("told to fail");
			}
			return "OK " + line;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class TestRegistry {

		@Bean
		TestObservationRegistry observationRegistry() {
			return TestObservationRegistry.create();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class CustomConvention {

		@Bean
		ConnectionSetupObservationConvention teamConvention() {
			return new DefaultConnectionSetupObservationConvention() {

				@Override
				public String getName() {
					return "tcp.setup";
				}

				@Override
				public KeyValues getLowCardinalityKeyValues(ConnectionSetupObservationContext context) {
					return super.getLowCardinalityKeyValues(context).and("team", "payments");
				}

			};
		}

	}

	/**
	 * An observation handler that Boot's registry is given: the names of the observations
	 * stopped.
	 */
	static class RecordingHandler implements ObservationHandler<Observation.Context> {

		final List<String> names = new CopyOnWriteArrayList<>();

		@Override
		public void onStop(Observation.Context context) {
			this.names.add(context.getName());
		}

		@Override
		public boolean supportsContext(Observation.Context context) {
			return true;
		}

	}

}
