package io.connlistener.boot.autoconfigure;

import java.util.List;

import io.connlistener.AcceptErrorReason;
import io.connlistener.AcceptedConnection;
import io.connlistener.ListenerStats;
import io.connlistener.RejectionReason;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.loop.IoHandler;
import io.connlistener.loop.ScheduledTask;
import io.connlistener.proxy.ProxyHeader;
import io.connlistener.proxy.ProxyHeaderParser;
import io.connlistener.proxy.ProxyProtocolException;
import org.junit.jupiter.api.Test;

import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.core.io.support.SpringFactoriesLoader;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;

/**
 * Tests for {@link ConnListenerRuntimeHints}.
 */
class ConnListenerRuntimeHintsTests {

	private final RuntimeHints hints = new RuntimeHints();

	ConnListenerRuntimeHintsTests() {
		new ConnListenerRuntimeHints().registerHints(this.hints, getClass().getClassLoader());
	}

	@Test
	void coreTypesLoadedByNameAreRegisteredForReflection() {
		for (Class<?> type : List.of(ScheduledTask.class, IoHandler.class, AcceptErrorReason.class,
				RejectionReason.class, AcceptedConnection.class, ListenerStats.AcceptError.class,
				ProxyHeaderParser.class, ProxyHeader.class, ProxyProtocolException.class)) {
			assertThat(RuntimeHintsPredicates.reflection().onType(type)).as(type.getName()).accepts(this.hints);
		}
		for (String type : List.of("io.connlistener.internal.accept.AcceptBackoff",
				"io.connlistener.internal.accept.SpareFileDescriptor",
				"io.connlistener.internal.accept.PendingConnection",
				"io.connlistener.internal.accept.ProxyHeaderStage$HeaderRead")) {
			assertThat(RuntimeHintsPredicates.reflection().onType(TypeReference.of(type))).as(type)
				.accepts(this.hints);
		}
	}

	@Test
	void everyTypeRegisteredByNameExists() {
		// A renamed core class would leave a hint for nothing and the new name without one.
		for (String type : ConnListenerRuntimeHints.PRELOADED_TYPES) {
			assertThatNoException().as(type)
				.isThrownBy(() -> Class.forName(type, false, getClass().getClassLoader()));
		}
	}

	@Test
	void connectionHandlerAttributeCanBeReadReflectively() {
		assertThat(RuntimeHintsPredicates.reflection().onMethodInvocation(ConnectionHandler.class, "value"))
			.accepts(this.hints);
	}

	@Test
	void registeredForAotProcessing() {
		List<RuntimeHintsRegistrar> registrars = SpringFactoriesLoader
			.forResourceLocation("META-INF/spring/aot.factories")
			.load(RuntimeHintsRegistrar.class);
		assertThat(registrars).hasAtLeastOneElementOfType(ConnListenerRuntimeHints.class);
	}

}
