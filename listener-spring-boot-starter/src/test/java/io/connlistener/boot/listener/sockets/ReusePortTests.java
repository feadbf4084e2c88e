package io.connlistener.boot.listener.sockets;

import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.Set;

import io.connlistener.ListenerSettings;
import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ListenerProblem;
import io.connlistener.boot.testsupport.FailureAnalyses;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ReusePort}.
 */
class ReusePortTests {

	@Test
	void platformWithoutReusePortFailsNamingTheProperty() {
		ListenerDefinition definition = new ListenerDefinition("echo", new InetSocketAddress("127.0.0.1", 9876), -1,
				Set.of(), 10, ListenerSettings.DEFAULTS,
				new ListenerDefinition.Deployment(4, true, false, Duration.ZERO, ListenerDefinition.Source.BIND, null,
						null));
		assertThatExceptionOfType(ListenerConfigurationException.class)
			.isThrownBy(() -> ReusePort.checkReusePort(definition, false))
			.satisfies((ex) -> {
				assertThat(ex.getProblem()).isEqualTo(ListenerProblem.NO_REUSEPORT);
				assertThat(ex.getKey()).isEqualTo("acceptors");
				assertThat(ex.getValue()).isEqualTo(4);
				FailureAnalysis analysis = FailureAnalyses.analyze(ex);
				assertThat(analysis.getDescription()).isEqualTo(
						"Listener 'echo' on 127.0.0.1:9876 cannot start: conn-listener.listeners.echo.acceptors is 4, "
								+ "but this platform (" + System.getProperty("os.name")
								+ ") has no SO_REUSEPORT to bind several sockets to one port.");
				assertThat(analysis.getAction()).isEqualTo("Set conn-listener.listeners.echo.acceptors to 1, or run on a "
						+ "platform with SO_REUSEPORT, such as Linux 3.9 or later.");
			});
	}

}
