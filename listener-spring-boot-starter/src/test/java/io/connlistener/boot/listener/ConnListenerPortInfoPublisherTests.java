package io.connlistener.boot.listener;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.file.Path;

import io.connlistener.AcceptCallback;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.testsupport.EchoGreeterConfiguration;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.boot.testsupport.TestHandlers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.core.env.Environment;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConnListenerPortInfoPublisher}: {@code local.conn-listener.<name>.port}
 * and {@code .path} in the environment once the listeners have bound.
 */
@Timeout(60)
class ConnListenerPortInfoPublisherTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(EchoGreeterConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.defaults.address=127.0.0.1");

	@Test
	void publishesThePortPickedForPortZero() {
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.port=0").run((context) -> {
			int port = port(context.getBean(ConnListenerRegistry.class).get("echo"));
			assertThat(port).isPositive();
			Environment environment = context.getEnvironment();
			assertThat(environment.getProperty("local.conn-listener.echo.port", Integer.class)).isEqualTo(port);
			assertThat(environment.containsProperty("local.conn-listener.echo.path")).isFalse();
			assertThat(context.getEnvironment().getPropertySources().iterator().next().getName())
				.isEqualTo(ConnListenerPortInfoPublisher.PROPERTY_SOURCE_NAME);
			try (LoopbackClient client = LoopbackClient.connect(new InetSocketAddress("127.0.0.1",
					environment.getRequiredProperty(ConnListenerPortInfoPublisher.portProperty("echo"), Integer.class)))) {
				assertThat(client.readLine()).isEqualTo("echo");
			}
		});
	}

	@Test
	void publishesEveryListenerUnderItsName() {
		this.contextRunner.withUserConfiguration(SecondGreeterConfiguration.class)
			.withPropertyValues("conn-listener.listeners.echo.port=0", "conn-listener.listeners.second.port=0")
			.run((context) -> {
				ConnListenerRegistry registry = context.getBean(ConnListenerRegistry.class);
				assertThat(context.getEnvironment().getProperty("local.conn-listener.echo.port", Integer.class))
					.isEqualTo(port(registry.get("echo")));
				assertThat(context.getEnvironment().getProperty("local.conn-listener.second.port", Integer.class))
					.isEqualTo(port(registry.get("second")))
					.isNotEqualTo(port(registry.get("echo")));
			});
	}

	@Test
	void publishesTheSocketFileOfAUnixDomainSocketListener(@TempDir Path directory) {
		Path socketFile = directory.resolve("echo.sock");
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.path=" + socketFile).run((context) -> {
			Environment environment = context.getEnvironment();
			assertThat(environment.getProperty("local.conn-listener.echo.path")).isEqualTo(socketFile.toString());
			assertThat(environment.containsProperty("local.conn-listener.echo.port")).isFalse();
		});
	}

	@Test
	void publishesInTheParentContextsToo() {
		try (GenericApplicationContext grandparent = new GenericApplicationContext();
				GenericApplicationContext parent = new GenericApplicationContext()) {
			parent.setParent(grandparent);
			grandparent.refresh();
			parent.refresh();
			this.contextRunner.withParent(parent).withPropertyValues("conn-listener.listeners.echo.port=0").run((context) -> {
				int port = port(context.getBean(ConnListenerRegistry.class).get("echo"));
				assertThat(context.getEnvironment().getProperty("local.conn-listener.echo.port", Integer.class))
					.isEqualTo(port);
				assertThat(parent.getEnvironment().getProperty("local.conn-listener.echo.port", Integer.class))
					.isEqualTo(port);
				assertThat(grandparent.getEnvironment().getProperty("local.conn-listener.echo.port", Integer.class))
					.isEqualTo(port);
			});
		}
	}

	@Test
	void startingTheContextAgainPublishesThePortBoundThen() {
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.port=0").run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			context.stop();
			// Taken while stopped, so that the port the first start picked cannot be picked again.
			int first = context.getEnvironment().getRequiredProperty("local.conn-listener.echo.port", Integer.class);
			try (ServerSocket taken = new ServerSocket(first, 1, InetAddress.getByName("127.0.0.1"))) {
				context.start();
				assertThat(port(echo)).isNotEqualTo(first);
				assertThat(context.getEnvironment().getProperty("local.conn-listener.echo.port", Integer.class))
					.isEqualTo(port(echo));
			}
		});
	}

	@Test
	void aListenerBoundAgainAfterUnbindOnDisableKeepsThePublishedPort() {
		this.contextRunner
			.withPropertyValues("conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.unbind-on-disable=true")
			.run((context) -> {
				ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
				int published = context.getEnvironment().getRequiredProperty("local.conn-listener.echo.port", Integer.class);
				echo.disable();
				assertThat(echo.isBound()).isFalse();
				echo.enable();
				assertThat(echo.isBound()).isTrue();
				assertThat(port(echo)).isEqualTo(published);
				try (LoopbackClient client = LoopbackClient.connect(new InetSocketAddress("127.0.0.1", published))) {
					assertThat(client.readLine()).isEqualTo("echo");
				}
			});
	}

	private static int port(ManagedConnListener listener) {
		return ((InetSocketAddress) listener.localAddress()).getPort();
	}

	@Configuration(proxyBeanMethods = false)
	static class SecondGreeterConfiguration {

		@Bean
		@ConnectionHandler("second")
		AcceptCallback secondHandler() {
			return TestHandlers.greeter("second");
		}

	}

}
