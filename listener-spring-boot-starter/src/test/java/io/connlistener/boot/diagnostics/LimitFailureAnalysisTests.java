package io.connlistener.boot.diagnostics;

import java.util.List;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.testsupport.EchoGreeterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.Environment;
import org.springframework.mock.env.MockEnvironment;

/**
 * Tests for the failure analysis of limits that cannot work: connections, accepts per
 * wakeup, admission and buffer sizes.
 */
@Timeout(60)
class LimitFailureAnalysisTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(EchoGreeterConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.listeners.echo.port=9876");

	@Test
	void noConnectionAllowed() {
		assertFailure("conn-listener.listeners.echo.max-connections=0",
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.listeners.echo.max-connections is 0, "
						+ "but at least one connection must be allowed.",
				"Set conn-listener.listeners.echo.max-connections to 1 or more.");
	}

	@Test
	void noAcceptPerWakeupInTheDefaults() {
		assertFailure("conn-listener.defaults.max-accepts-per-wakeup=0",
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.defaults.max-accepts-per-wakeup is 0, "
						+ "but at least one accept per wakeup is needed.",
				"Set conn-listener.defaults.max-accepts-per-wakeup to 1 or more, such as 16.");
	}

	@Test
	void negativeConnectionsPerIp() {
		assertFailure("conn-listener.listeners.echo.admission.max-connections-per-ip=-1",
				"Listener 'echo' on 0.0.0.0:9876 cannot start: "
						+ "conn-listener.listeners.echo.admission.max-connections-per-ip is -1, but it must not be "
						+ "negative.",
				"Set conn-listener.listeners.echo.admission.max-connections-per-ip to 0 for no cap, or the most "
						+ "connections one address may hold.");
	}

	@Test
	void negativeAcceptBurst() {
		assertFailure("conn-listener.defaults.admission.accept-burst=-1",
				"Listener 'echo' on 0.0.0.0:9876 cannot start: conn-listener.defaults.admission.accept-burst is -1, "
						+ "but it must not be negative.",
				"Set conn-listener.defaults.admission.accept-burst to 0 for one second's worth of accept-rate, or the "
						+ "most connections admitted at once.");
	}

	@Test
	void sizeBeyondAnInt() {
		assertFailure("conn-listener.listeners.echo.buffered.read-high-watermark=3GB",
				"Listener 'echo' on 0.0.0.0:9876 cannot start: "
						+ "conn-listener.listeners.echo.buffered.read-high-watermark is 3221225472B, but it must be from "
						+ "0 to 2GB.",
				"Set conn-listener.listeners.echo.buffered.read-high-watermark to a size such as "
						+ "256KB.");
	}

	@Test
	void unbindOnDisableInTheDefaultsOfAnInheritedChannel() {
		this.contextRunner
			.withPropertyValues("conn-listener.listeners.echo.inherited=true",
					"conn-listener.defaults.unbind-on-disable=true")
			.run((context) -> ConnListenerFailureAnalysisTests.assertAnalysis(context.getStartupFailure(),
					new MockEnvironment(),
					"Listener 'echo' on the inherited channel cannot start: conn-listener.defaults.unbind-on-disable "
							+ "is true, but a channel the listener did not bind cannot be bound again once closed.",
					"Set conn-listener.defaults.unbind-on-disable to false."));
	}

	private void assertFailure(String property, String description, String action) {
		Environment environment = ConnListenerFailureAnalysisTests
			.environment(List.of("conn-listener.listeners.echo.port=9876", property));
		this.contextRunner.withPropertyValues(property)
			.run((context) -> ConnListenerFailureAnalysisTests.assertAnalysis(context.getStartupFailure(), environment,
					description, action));
	}

}
