package io.connlistener.boot.autoconfigure;

import java.util.List;

import io.connlistener.boot.autoconfigure.ConnListenerProperties.Listener;
import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerProblem;
import io.connlistener.boot.testsupport.FailureAnalyses;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatNoException;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link ListenerBeanSet}: the listener beans of an AOT-processed application
 * against the listeners it runs with, and the analysis of a difference.
 */
class ListenerBeanSetTests {

	private static final String LISTENERS_ACTION = "Build with the listeners the application runs with "
			+ "(spring-boot:process-aot reads the configuration as a run does), or start it without "
			+ "-Dspring.aot.enabled=true. A listener's port, address and other values may change at run time; its "
			+ "name may not.";

	@Test
	void theSameListenersInAnyOrderAgree() {
		assertThatNoException()
			.isThrownBy(() -> new ListenerBeanSet(List.of("admin", "echo"), configured("echo", "admin")));
		assertThatNoException().isThrownBy(() -> new ListenerBeanSet(List.of(), configured()));
	}

	@Test
	void aListenerTheBuildDidNotKnowHasNoBean() {
		assertFailure(List.of("echo"), configured("echo", "other"),
				"Listeners cannot start: the application was AOT-processed with listener 'echo', but "
						+ "conn-listener.listeners configures listeners 'echo', 'other' now. Under AOT, the beans are fixed "
						+ "at build time: listener 'other' has no bean.",
				LISTENERS_ACTION);
	}

	@Test
	void listenersAtRunTimeOfAnAppBuiltWithNone() {
		assertFailure(List.of(), configured("echo"),
				"Listeners cannot start: the application was AOT-processed with no listeners, but "
						+ "conn-listener.listeners configures listener 'echo' now. Under AOT, the beans are fixed at "
						+ "build time: listener 'echo' has no bean.",
				LISTENERS_ACTION);
	}

	@Test
	void listenersNoLongerConfigured() {
		assertFailure(List.of("echo", "admin", "metrics"), configured("echo"),
				"Listeners cannot start: the application was AOT-processed with listeners 'echo', 'admin', 'metrics', "
						+ "but conn-listener.listeners configures listener 'echo' now. Under AOT, the beans are fixed at "
						+ "build time: listeners 'admin', 'metrics' are no longer configured.",
				LISTENERS_ACTION);
	}

	@Test
	void aRenamedListenerIsBothNewAndGone() {
		assertFailure(List.of("echo"), configured("other"),
				"Listeners cannot start: the application was AOT-processed with listener 'echo', but "
						+ "conn-listener.listeners configures listener 'other' now. Under AOT, the beans are fixed at "
						+ "build time: listener 'other' has no bean; listener 'echo' is no longer configured.",
				LISTENERS_ACTION);
	}

	@Test
	void listenersTurnedOffAfterTheBuild() {
		ConnListenerProperties properties = configured("echo");
		properties.setEnabled(false);
		ListenerConfigurationException failure = assertFailure(List.of("echo"), properties,
				"Listeners cannot start: conn-listener.enabled is false, but the application was AOT-processed with it "
						+ "true. Under AOT, the beans are fixed at build time: the listeners would start all the same.",
				"Build with conn-listener.enabled=false to leave the listeners out, or start the application without "
						+ "-Dspring.aot.enabled=true.");
		assertThat(failure.getProblem()).isEqualTo(ListenerProblem.DISABLED_AFTER_AOT_PROCESSING);
	}

	private static ListenerConfigurationException assertFailure(List<String> built, ConnListenerProperties properties,
			String description, String action) {
		ListenerConfigurationException failure = catchThrowableOfType(ListenerConfigurationException.class,
				() -> new ListenerBeanSet(built, properties));
		assertThat(failure).isNotNull();
		assertThat(failure.getListenerName()).isNull();
		FailureAnalysis analysis = FailureAnalyses.analyze(failure);
		assertThat(analysis).isNotNull();
		assertThat(analysis.getDescription()).isEqualTo(description);
		assertThat(analysis.getAction()).isEqualTo(action);
		return failure;
	}

	private static ConnListenerProperties configured(String... names) {
		ConnListenerProperties properties = new ConnListenerProperties();
		for (String name : names) {
			properties.getListeners().put(name, new Listener());
		}
		return properties;
	}

}
