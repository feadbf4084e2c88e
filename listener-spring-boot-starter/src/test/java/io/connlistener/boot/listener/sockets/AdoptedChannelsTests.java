package io.connlistener.boot.listener.sockets;

import java.time.Duration;
import java.util.Set;

import io.connlistener.ListenerSettings;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ListenerDefinition.Deployment;
import io.connlistener.boot.listener.ListenerDefinition.Source;
import io.connlistener.boot.listener.ListenerProblem;
import io.connlistener.boot.testsupport.FailureAnalyses;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link AdoptedChannels} and the failures of channels that cannot be adopted.
 */
class AdoptedChannelsTests {

	private static final String INHERIT_IT = "Start the application with a listening socket as standard input "
			+ "(systemd: StandardInput=socket in the service and Accept=no in the socket unit; inetd: wait), or remove "
			+ "conn-listener.listeners.echo.inherited and set port or path.";

	@Test
	void channelBeanWithoutBeans() {
		FailureAnalysis analysis = FailureAnalyses.analyze(
				AdoptedChannels.noChannel(definition(Source.CHANNEL_BEAN), ListenerProblem.NO_CHANNEL_BEANS, null));
		assertThat(analysis.getDescription()).isEqualTo("Listener 'echo' cannot start: "
				+ "conn-listener.listeners.echo.channel-bean is 'myChannel', but no channel beans are available.");
		assertThat(analysis.getAction()).isEqualTo("Define a bound ServerSocketChannel bean of that name, or set "
				+ "conn-listener.listeners.echo.channel-bean to the name of one.");
	}

	@Test
	void inheritedConnectedSocket() {
		FailureAnalysis analysis = FailureAnalyses.analyze(AdoptedChannels.noChannel(definition(Source.INHERITED),
				ListenerProblem.CONNECTED_INHERITED_SOCKET, null, "SocketChannelImpl"));
		assertThat(analysis.getDescription()).isEqualTo("Listener 'echo' cannot start: "
				+ "conn-listener.listeners.echo.inherited is true, but standard input is a connected socket "
				+ "(SocketChannelImpl), as inetd's nowait or systemd's Accept=yes pass it, not a listening one.");
		assertThat(analysis.getAction()).isEqualTo(INHERIT_IT);
	}

	@Test
	void inheritedChannelThatAnotherListenerAdopts() {
		FailureAnalysis analysis = FailureAnalyses.analyze(AdoptedChannels.noChannel(definition(Source.INHERITED),
				ListenerProblem.INHERITED_CHANNEL_TAKEN, null, "other"));
		assertThat(analysis.getDescription()).isEqualTo("Listener 'echo' cannot start: "
				+ "conn-listener.listeners.echo.inherited is true, but listener 'other' listens on it already.");
		assertThat(analysis.getAction()).isEqualTo(INHERIT_IT);
	}

	private static ListenerDefinition definition(Source source) {
		return new ListenerDefinition("echo", null, 0, Set.of(), 10, ListenerSettings.DEFAULTS,
				new Deployment(1, true, false, Duration.ZERO, source,
						(source == Source.CHANNEL_BEAN) ? "myChannel" : null, null));
	}

}
