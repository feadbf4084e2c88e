package io.connlistener.boot.diagnostics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.List;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.testsupport.EchoGreeterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.mock.env.MockEnvironment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the failure analysis of deployment settings that cannot work: acceptors,
 * adopted channels, unbind-on-disable and socket file permissions.
 */
@Timeout(60)
class DeploymentFailureAnalysisTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(EchoGreeterConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=1");

	@Test
	void acceptorsOutOfRange() {
		assertFailure(List.of("conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.acceptors=0"),
				"Listener 'echo' on 0.0.0.0:0 cannot start: conn-listener.listeners.echo.acceptors is 0, but a listener "
						+ "accepts on 1 to 64 sockets.",
				"Set conn-listener.listeners.echo.acceptors to a number from 1 to 64, such as the number of processors.");
	}

	@Test
	void acceptorsOnAUnixDomainSocket() {
		assertFailure(List.of("conn-listener.listeners.echo.path=/tmp/echo.sock", "conn-listener.listeners.echo.acceptors=2"),
				"Listener 'echo' on unix:/tmp/echo.sock cannot start: conn-listener.listeners.echo.acceptors is 2, but "
						+ "SO_REUSEPORT spreads TCP connections only; a Unix domain socket file has one listening socket.",
				"Set conn-listener.listeners.echo.acceptors to 1.");
	}

	@Test
	void acceptorsOnAnAdoptedChannel() {
		assertFailure(List.of("conn-listener.listeners.echo.inherited=true", "conn-listener.listeners.echo.acceptors=2"),
				"Listener 'echo' on the inherited channel cannot start: conn-listener.listeners.echo.acceptors is 2, "
						+ "but a listener that adopts a channel has exactly that one socket.",
				"Set conn-listener.listeners.echo.acceptors to 1.");
	}

	@Test
	void adoptedChannelListeningElsewhereThanThePortSays() throws IOException {
		try (ServerSocketChannel channel = ServerSocketChannel.open()
			.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16)) {
			int port = ((InetSocketAddress) channel.getLocalAddress()).getPort();
			this.contextRunner.withBean("myChannel", ServerSocketChannel.class, () -> channel)
				.withPropertyValues("conn-listener.listeners.echo.channel-bean=myChannel",
						"conn-listener.listeners.echo.port=1")
				.run((context) -> ConnListenerFailureAnalysisTests.assertAnalysis(context.getStartupFailure(),
						new MockEnvironment(),
						"Listener 'echo' cannot start: conn-listener.listeners.echo.channel-bean adopts a channel "
								+ "listening on 127.0.0.1:" + port + ", but conn-listener.listeners.echo.port says "
								+ "0.0.0.0:1.",
						"Make them agree: set conn-listener.listeners.echo.port to match the channel or remove it, or "
								+ "bind the channel elsewhere (systemd: ListenStream= in the socket unit)."));
		}
	}

	@Test
	void adoptedChannelOnTheConfiguredPortStarts() {
		this.contextRunner.withUserConfiguration(ChannelConfiguration.class)
			.withPropertyValues("conn-listener.listeners.echo.channel-bean=myChannel",
					"conn-listener.listeners.echo.address=127.0.0.1", "conn-listener.listeners.echo.port=0")
			.run((context) -> assertThat(context).hasNotFailed());
	}

	@Test
	void inheritedChannelAndChannelBean() {
		assertFailure(List.of("conn-listener.listeners.echo.inherited=true",
				"conn-listener.listeners.echo.channel-bean=myChannel"),
				"Listener 'echo' has two channels: conn-listener.listeners.echo.inherited is true and "
						+ "conn-listener.listeners.echo.channel-bean is 'myChannel'.",
				"Remove conn-listener.listeners.echo.inherited or conn-listener.listeners.echo.channel-bean: a listener "
						+ "adopts one channel.");
	}

	@Test
	void unbindOnDisableOfAnAdoptedChannel() {
		assertFailure(List.of("conn-listener.listeners.echo.channel-bean=myChannel",
				"conn-listener.listeners.echo.unbind-on-disable=true"),
				"Listener 'echo' on channel bean 'myChannel' cannot start: conn-listener.listeners.echo.unbind-on-disable "
						+ "is true, but a channel the listener did not bind cannot be bound again once closed.",
				"Set conn-listener.listeners.echo.unbind-on-disable to false.");
	}

	@Test
	void pathPermissionsThatAreNotPosix() {
		assertFailure(List.of("conn-listener.listeners.echo.path=/tmp/echo.sock",
				"conn-listener.listeners.echo.path-permissions=0660"),
				"Listener 'echo' on unix:/tmp/echo.sock cannot start: conn-listener.listeners.echo.path-permissions is "
						+ "'0660', but it is not a POSIX permission string of nine characters.",
				"Set conn-listener.listeners.echo.path-permissions to permissions as ls -l shows them, such as rw-rw----.");
	}

	@Test
	void pathPermissionsWithoutPath() {
		assertFailure(List.of("conn-listener.listeners.echo.port=0",
				"conn-listener.listeners.echo.path-permissions=rw-rw----"),
				"Listener 'echo' on 0.0.0.0:0 cannot start: conn-listener.listeners.echo.path-permissions is "
						+ "'rw-rw----', but the listener has no Unix domain socket file (path is not set).",
				"Set conn-listener.listeners.echo.path-permissions to no value (remove it), or set path to listen on a "
						+ "Unix domain socket.");
	}

	@Test
	void inheritedChannelWhenStandardInputIsNoSocket() {
		// Surefire's forked JVM reads its standard input from a pipe, not a socket.
		assertFailure(List.of("conn-listener.listeners.echo.inherited=true"),
				"Listener 'echo' cannot start: conn-listener.listeners.echo.inherited is true, but standard input of "
						+ "this process is not a socket.",
				"Start the application with a listening socket as standard input (systemd: StandardInput=socket in the "
						+ "service and Accept=no in the socket unit; inetd: wait), or remove "
						+ "conn-listener.listeners.echo.inherited and set port or path.");
	}

	@Test
	void channelBeanThatDoesNotExist() {
		assertFailure(List.of("conn-listener.listeners.echo.channel-bean=myChannel"),
				"Listener 'echo' cannot start: conn-listener.listeners.echo.channel-bean is 'myChannel', but there is "
						+ "no bean of that name.",
				"Define a bound ServerSocketChannel bean named 'myChannel', or set "
						+ "conn-listener.listeners.echo.channel-bean to the name of one.");
	}

	private void assertFailure(List<String> properties, String description, String action) {
		this.contextRunner.withPropertyValues(properties.toArray(String[]::new)).run((context) -> {
			MockEnvironment environment = new MockEnvironment();
			for (String property : properties) {
				int equals = property.indexOf('=');
				environment.setProperty(property.substring(0, equals), property.substring(equals + 1));
			}
			ConnListenerFailureAnalysisTests.assertAnalysis(context.getStartupFailure(), environment, description,
					action);
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class ChannelConfiguration {

		@Bean(destroyMethod = "close")
		ServerSocketChannel myChannel() throws IOException {
			return ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 16);
		}

	}

}
