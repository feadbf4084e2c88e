package io.connlistener.boot.test;

import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;
import java.util.NoSuchElementException;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.listener.ConnListenerRegistry;
import org.junit.jupiter.api.Assumptions;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.beans.factory.SmartInitializingSingleton;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;

/**
 * Tests for {@link ConnListenerClient} finding a listener by name in an application
 * context or its environment.
 */
@Timeout(60)
class ConnListenerClientContextTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(EchoApplication.EchoHandlerConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=1");

	@Test
	void connectsByNameOverAUnixDomainSocket(@TempDir Path directory) {
		Path socketFile = directory.resolve("echo.sock");
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.path=" + socketFile).run((context) -> {
			try (ConnListenerClient byContext = ConnListenerClient.connect(context, "echo");
					ConnListenerClient byEnvironment = ConnListenerClient.connect(context.getEnvironment(), "echo")) {
				byContext.sendLine("over unix").expectLine("over unix");
				byEnvironment.sendLine("again").expectLine("again");
				assertThat(byContext).hasToString("ConnListenerClient[listener 'echo' at unix:" + socketFile + "]");
			}
		});
	}

	@Test
	void connectsByNameToTheAddressTheListenerBound() throws Exception {
		Assumptions.assumeTrue(ipv6LoopbackAvailable(), "IPv6 loopback ::1 is not available");
		this.contextRunner
			.withPropertyValues("conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.address=::1")
			.run((context) -> {
				int port = ((InetSocketAddress) context.getBean(ConnListenerRegistry.class).get("echo").localAddress())
					.getPort();
				try (ConnListenerClient client = ConnListenerClient.connect(context, "echo")) {
					client.sendLine("over ipv6").expectLine("over ipv6");
					assertThat(client).hasToString("ConnListenerClient[listener 'echo' at [0:0:0:0:0:0:0:1]:" + port + "]");
				}
				// The environment has the port only, tried on 127.0.0.1.
				assertThatExceptionOfType(ConnectException.class)
					.isThrownBy(() -> ConnListenerClient.connect(context.getEnvironment(), "echo").close())
					.withMessageStartingWith("Could not connect to listener 'echo' at 127.0.0.1:" + port + ": ");
			});
	}

	@Test
	void unknownNameIsRefusedNamingTheListeners() {
		this.contextRunner
			.withPropertyValues("conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.address=127.0.0.1")
			.run((context) -> {
				assertThatExceptionOfType(NoSuchElementException.class)
					.isThrownBy(() -> ConnListenerClient.connect(context, "nope"))
					.withMessage("No listener named 'nope'; configured listeners: [echo]");
				assertThatIllegalStateException()
					.isThrownBy(() -> ConnListenerClient.connect(context.getEnvironment(), "nope"))
					.withMessage("Listener 'nope' has not bound: local.conn-listener.nope.port (or .path) is set once it "
							+ "has, when the application context starts. Listeners bound: echo.");
			});
	}

	@Test
	void aContextWithoutListenersIsRefused() {
		this.contextRunner.withPropertyValues("conn-listener.enabled=false").run((context) -> {
			assertThatIllegalStateException().isThrownBy(() -> ConnListenerClient.connect(context, "echo"))
				.withMessage("The application context has no listeners: no ConnListenerRegistry bean "
						+ "(is conn-listener.enabled false?)");
			assertThatIllegalStateException().isThrownBy(() -> ConnListenerClient.connect(context.getEnvironment(), "echo"))
				.withMessage("Listener 'echo' has not bound: local.conn-listener.echo.port (or .path) is set once it "
						+ "has, when the application context starts. No listener has bound.");
		});
	}

	@Test
	void aListenerIsNotReachableBeforeTheContextStarts() {
		this.contextRunner.withUserConfiguration(EarlyClient.class)
			.withPropertyValues("conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.address=127.0.0.1")
			.run((context) -> assertThat(context.getBean(EarlyClient.class).failure).isInstanceOf(IllegalStateException.class)
				.hasMessage("Listener 'echo' has not bound: local.conn-listener.echo.port (or .path) is set once it has, "
						+ "when the application context starts. No listener has bound."));
	}

	private static boolean ipv6LoopbackAvailable() {
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			channel.bind(new InetSocketAddress(InetAddress.getByName("::1"), 0));
			return true;
		}
		catch (Exception ex) {
			return false;
		}
	}

	/**
	 * Tries to connect while the beans are created, before the listeners bind.
	 */
	@Configuration(proxyBeanMethods = false)
	static class EarlyClient {

		Exception failure;

		@Bean
		SmartInitializingSingleton earlyConnect(ApplicationContext context) {
			return () -> {
				try {
					ConnListenerClient.connect(context, "echo").close();
				}
				catch (Exception ex) {
					this.failure = ex;
				}
			};
		}

	}

}
