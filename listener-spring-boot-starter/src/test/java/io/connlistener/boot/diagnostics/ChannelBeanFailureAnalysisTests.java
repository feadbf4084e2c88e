package io.connlistener.boot.diagnostics;

import java.io.IOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.util.Map;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.testsupport.EchoGreeterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.mock.env.MockEnvironment;

/**
 * Tests for the failure analysis of channel beans that a listener cannot adopt.
 */
@Timeout(60)
class ChannelBeanFailureAnalysisTests {

	private static final String BIND_IT = "Bind the channel in its @Bean method (channel.bind(address, backlog)); the "
			+ "listener adopts it as it is, with backlog 0.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(EchoGreeterConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.listeners.echo.channel-bean=myChannel");

	@Test
	void beanThatIsNoChannel() {
		this.contextRunner.withBean("myChannel", String.class, () -> "not a channel")
			.run((context) -> assertAnalysis(context.getStartupFailure(),
					"Listener 'echo' cannot start: conn-listener.listeners.echo.channel-bean is 'myChannel', but that "
							+ "bean is a java.lang.String, not a ServerSocketChannel.",
					"Set conn-listener.listeners.echo.channel-bean to the name of a bound ServerSocketChannel bean."));
	}

	@Test
	void channelThatIsNotBound() throws IOException {
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			this.contextRunner.withBean("myChannel", ServerSocketChannel.class, () -> channel)
				.run((context) -> assertAnalysis(context.getStartupFailure(),
						"Listener 'echo' cannot start: conn-listener.listeners.echo.channel-bean is 'myChannel', but "
								+ "that channel is not bound.",
						BIND_IT));
		}
	}

	@Test
	void channelThatIsClosed() throws IOException {
		ServerSocketChannel channel = ServerSocketChannel.open()
			.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
		channel.close();
		this.contextRunner.withBean("myChannel", ServerSocketChannel.class, () -> channel)
			.run((context) -> assertAnalysis(context.getStartupFailure(),
					"Listener 'echo' cannot start: conn-listener.listeners.echo.channel-bean is 'myChannel', but that "
							+ "channel is closed.",
					BIND_IT));
	}

	@Test
	void blankBeanName() {
		// A property source, not withPropertyValues: that would trim the value to an empty one.
		this.contextRunner
			.withInitializer((context) -> context.getEnvironment()
				.getPropertySources()
				.addFirst(new MapPropertySource("blank", Map.of("conn-listener.listeners.echo.channel-bean", "  "))))
			.run((context) -> assertAnalysis(context.getStartupFailure(),
					"Listener 'echo' cannot start: conn-listener.listeners.echo.channel-bean is empty.",
					"Set conn-listener.listeners.echo.channel-bean to the name of a ServerSocketChannel bean, or "
							+ "remove it."));
	}

	@Test
	void pathPermissionsOfAChannelBean() {
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.path-permissions=rw-------")
			.run((context) -> assertAnalysis(context.getStartupFailure(),
					"Listener 'echo' on channel bean 'myChannel' cannot start: "
							+ "conn-listener.listeners.echo.path-permissions is 'rw-------', but the listener adopts a "
							+ "channel, whose socket file it did not create.",
					"Set conn-listener.listeners.echo.path-permissions to no value (remove it), and set the "
							+ "permissions where the socket is created."));
	}

	private static void assertAnalysis(Throwable failure, String description, String action) {
		ConnListenerFailureAnalysisTests.assertAnalysis(failure, new MockEnvironment(), description, action);
	}

}
