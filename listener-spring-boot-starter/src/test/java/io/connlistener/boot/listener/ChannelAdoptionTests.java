package io.connlistener.boot.listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.attribute.PosixFilePermissions;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.boot.testsupport.TestHandlers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for listeners that adopt a channel (a user's bean, the inherited one) and for the
 * socket files of Unix domain listeners.
 */
@Timeout(60)
class ChannelAdoptionTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(EchoConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=1");

	@Test
	void listenerAdoptsAChannelBeanAsLibeventsEvconnlistenerNew() {
		this.contextRunner.withUserConfiguration(ChannelConfiguration.class)
			.withPropertyValues("conn-listener.listeners.echo.channel-bean=myChannel")
			.run((context) -> {
				ServerSocketChannel channel = context.getBean("myChannel", ServerSocketChannel.class);
				ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
				assertThat(echo.listener().channel()).isSameAs(channel);
				assertThat(echo.localAddress()).isEqualTo(channel.getLocalAddress());
				assertThat(echo.definition().backlog()).isZero();
				try (LoopbackClient client = LoopbackClient.connect(channel.getLocalAddress())) {
					assertThat(client.exchange("adopted")).isEqualTo("adopted|platform");
				}
				context.stop();
				assertThat(channel.isOpen()).as("closed on stop with close-on-free, the default").isFalse();
			});
	}

	@Test
	void channelBeanStaysOpenOnStopWithoutCloseOnFree() {
		this.contextRunner.withUserConfiguration(ChannelConfiguration.class)
			.withPropertyValues("conn-listener.listeners.echo.channel-bean=myChannel",
					"conn-listener.listeners.echo.options=reuseable")
			.run((context) -> {
				ServerSocketChannel channel = context.getBean("myChannel", ServerSocketChannel.class);
				context.stop();
				assertThat(channel.isOpen()).isTrue();
				context.start();
				try (LoopbackClient client = LoopbackClient.connect(channel.getLocalAddress())) {
					assertThat(client.exchange("again")).isEqualTo("again|platform");
				}
			});
	}

	@Test
	void unixSocketFileGetsItsPermissionsAndIsDeletedOnStop(@TempDir Path directory) {
		Path socketFile = directory.resolve("echo.sock");
		this.contextRunner
			.withPropertyValues("conn-listener.listeners.echo.path=" + socketFile,
					"conn-listener.listeners.echo.path-permissions=rw-rw----")
			.run((context) -> {
				assertThat(PosixFilePermissions.toString(Files.getPosixFilePermissions(socketFile)))
					.isEqualTo("rw-rw----");
				assertThat(exchange(socketFile, "over unix")).isEqualTo("over unix|platform");
				context.stop();
				assertThat(socketFile).doesNotExist();
			});
	}

	@Test
	void staleUnixSocketFileThatNobodyAnswersOnIsReplaced(@TempDir Path directory) throws IOException {
		Path socketFile = directory.resolve("echo.sock");
		// A socket file left behind: bound, then its channel closed without deleting it.
		ServerSocketChannel dead = ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		dead.bind(UnixDomainSocketAddress.of(socketFile));
		dead.close();
		assertThat(socketFile).exists();
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.path=" + socketFile).run((context) -> {
			assertThat(context).hasNotFailed();
			assertThat(exchange(socketFile, "replaced")).isEqualTo("replaced|platform");
		});
	}

	@Test
	void unixSocketFileThatAProcessAnswersOnIsLeftAndStartupFails(@TempDir Path directory) throws IOException {
		Path socketFile = directory.resolve("echo.sock");
		try (ServerSocketChannel live = ServerSocketChannel.open(StandardProtocolFamily.UNIX)) {
			live.bind(UnixDomainSocketAddress.of(socketFile));
			this.contextRunner.withPropertyValues("conn-listener.listeners.echo.path=" + socketFile).run((context) -> {
				assertThat(context).hasFailed();
				assertThat(context.getStartupFailure()).rootCause()
					.hasMessage("Address already in use: another process answers on " + socketFile);
				assertThat(socketFile).exists();
			});
			try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socketFile))) {
				assertThat(live.accept()).as("the other process still listens").isNotNull();
			}
		}
	}

	@Test
	void fileThatIsNoSocketIsNeverDeleted(@TempDir Path directory) throws IOException {
		Path file = directory.resolve("echo.sock");
		Files.writeString(file, "precious");
		this.contextRunner.withPropertyValues("conn-listener.listeners.echo.path=" + file).run((context) -> {
			assertThat(context).hasFailed();
			assertThat(file).hasContent("precious");
		});
	}

	private static String exchange(Path socketFile, String line) throws IOException {
		try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socketFile))) {
			client.write(ByteBuffer.wrap((line + "\n").getBytes(StandardCharsets.UTF_8)));
			BufferedReader reader = new BufferedReader(
					new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
			return reader.readLine();
		}
	}

	@Configuration(proxyBeanMethods = false)
	static class ChannelConfiguration {

		@Bean(destroyMethod = "close")
		ServerSocketChannel myChannel() throws IOException {
			ServerSocketChannel channel = ServerSocketChannel.open();
			channel.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 64);
			return channel;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class EchoConfiguration {

		@Bean
		@ConnectionHandler("echo")
		BlockingConnectionHandler echoHandler() {
			return TestHandlers.lineEcho();
		}

	}

}
