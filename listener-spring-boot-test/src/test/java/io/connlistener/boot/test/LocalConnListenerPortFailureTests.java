package io.connlistener.boot.test;

import java.nio.file.Path;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.ExtensionConfigurationException;
import org.junit.jupiter.api.extension.ParameterResolutionException;
import org.junit.jupiter.api.io.TempDir;
import org.junit.platform.testkit.engine.EngineTestKit;
import org.junit.platform.testkit.engine.Events;

import org.springframework.boot.test.context.SpringBootTest;
import org.springframework.test.annotation.DirtiesContext;
import org.springframework.test.context.DynamicPropertyRegistry;
import org.springframework.test.context.DynamicPropertySource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.platform.engine.discovery.DiscoverySelectors.selectClass;
import static org.junit.platform.testkit.engine.EventConditions.finishedWithFailure;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.cause;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.instanceOf;
import static org.junit.platform.testkit.engine.TestExecutionResultConditions.message;

/**
 * Tests for what {@link LocalConnListenerPort} says when it cannot give a port: each runs a
 * test class of its own, which must fail, and checks the failure.
 */
@Timeout(60)
class LocalConnListenerPortFailureTests {

	@Test
	void aListenerThatHasNotBoundFailsTheTestNamingThoseThatHave() {
		Events events = run(UnknownListener.class);
		events.assertThatEvents()
			.haveExactly(1, finishedWithFailure(instanceOf(IllegalStateException.class),
					message("Listener 'nope' has not bound: local.conn-listener.nope.port (or .path) is set once it has, "
							+ "when the application context starts. Listeners bound: echo.")));
	}

	@Test
	void aParameterThatCannotBeResolvedSaysWhy() {
		Events events = run(UnknownListenerParameter.class);
		events.assertThatEvents()
			.haveExactly(1, finishedWithFailure(instanceOf(ParameterResolutionException.class),
					cause(instanceOf(IllegalStateException.class), message((text) -> text.startsWith(
							"Listener 'nope' has not bound: local.conn-listener.nope.port (or .path) is set")))));
	}

	@Test
	void aUnixDomainSocketListenerHasNoPort() {
		Events events = run(UnixListener.class);
		events.assertThatEvents()
			.haveExactly(1, finishedWithFailure(instanceOf(IllegalStateException.class),
					message((text) -> text.matches("Listener 'echo' listens on a Unix domain socket, "
							+ "local\\.conn-listener\\.echo\\.path=.*echo\\.sock, and has no port"))));
	}

	@Test
	void aStaticFieldIsRefused() {
		Events events = run(StaticField.class);
		events.assertThatEvents()
			.haveExactly(1, finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
					message("@LocalConnListenerPort cannot set static int " + StaticField.class.getName()
							+ ".port: use an instance field that is not final, or a parameter")));
	}

	@Test
	void aTypeThatAPortDoesNotConvertToIsRefused() {
		Events events = run(UnconvertibleField.class);
		events.assertThatEvents()
			.haveExactly(1, finishedWithFailure(instanceOf(ExtensionConfigurationException.class),
					message("@LocalConnListenerPort(\"echo\") cannot set java.lang.Thread "
							+ UnconvertibleField.class.getName() + ".port: a port does not convert to java.lang.Thread")));
	}

	private static Events run(Class<?> testClass) {
		Events events = EngineTestKit.engine("junit-jupiter").selectors(selectClass(testClass)).execute().testEvents();
		assertThat(events.started().count()).as("tests started").isEqualTo(1);
		return events;
	}

	@SpringBootTest(classes = EchoApplication.class,
			properties = { "conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.address=127.0.0.1" })
	static class UnknownListener {

		@LocalConnListenerPort("nope")
		int port;

		@Test
		void test() {
		}

	}

	@SpringBootTest(classes = EchoApplication.class,
			properties = { "conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.address=127.0.0.1" })
	static class UnknownListenerParameter {

		@Test
		void test(@LocalConnListenerPort("nope") int port) {
		}

	}

	@SpringBootTest(classes = EchoApplication.class)
	@DirtiesContext
	static class UnixListener {

		@TempDir
		static Path directory;

		@DynamicPropertySource
		static void socketFile(DynamicPropertyRegistry registry) {
			registry.add("conn-listener.listeners.echo.path", () -> directory.resolve("echo.sock").toString());
		}

		@LocalConnListenerPort("echo")
		int port;

		@Test
		void test() {
		}

	}

	@SpringBootTest(classes = EchoApplication.class,
			properties = { "conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.address=127.0.0.1" })
	static class StaticField {

		@LocalConnListenerPort("echo")
		static int port;

		@Test
		void test() {
		}

	}

	@SpringBootTest(classes = EchoApplication.class,
			properties = { "conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.address=127.0.0.1" })
	static class UnconvertibleField {

		@LocalConnListenerPort("echo")
		Thread port;

		@Test
		void test() {
		}

	}

}
