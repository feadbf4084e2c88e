package io.connlistener.boot.listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.connlistener.AcceptCallback;
import io.connlistener.ConnListener;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.testsupport.CapturingAppender;
import io.connlistener.boot.testsupport.Java21Test;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.boot.testsupport.TestHandlers;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;
import io.connlistener.testsupport.LogCapture;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;
import org.springframework.core.annotation.Order;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the handler styles, serving real connections on the loopback interface.
 */
@Timeout(60)
class ConnectionHandlerTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	final LogCapture log = CapturingAppender.capture();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(Handlers.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.defaults.address=127.0.0.1",
				"conn-listener.listeners.raw.port=0", "conn-listener.listeners.blocking.port=0",
				"conn-listener.listeners.limited.port=0", "conn-listener.listeners.limited.max-connections=2",
				"conn-listener.listeners.failing.port=0", "conn-listener.listeners.buffered.port=0");

	@Test
	void rawHandlerOnAClassServesOnTheLoopThread() {
		this.contextRunner.run((context) -> {
			ManagedConnListener raw = context.getBean(ConnListenerRegistry.class).get("raw");
			for (int i = 0; i < 3; i++) {
				try (LoopbackClient client = LoopbackClient.connect(raw.localAddress())) {
					assertThat(client.readLine()).isEqualTo("raw on connlistener-io-1");
					assertThat(client.isClosedByPeer()).isTrue();
				}
			}
			await().atMost(WAIT).until(() -> raw.activeConnections() == 0);
			assertThat(raw.listener().stats().activeConnections()).isZero();
			assertThat(raw.listener().stats().accepted()).isEqualTo(3);
		});
	}

	@Test
	void withADedicatedAcceptorLoopListenersAcceptOnIt() {
		this.contextRunner.withPropertyValues("conn-listener.dedicated-acceptor-loop=true", "conn-listener.io-threads=2")
			.run((context) -> {
				assertThat(context).hasNotFailed().hasBean("connListenerAcceptorLoop");
				ConnListenerRegistry registry = context.getBean(ConnListenerRegistry.class);
				try (LoopbackClient client = LoopbackClient.connect(registry.get("raw").localAddress())) {
					assertThat(client.readLine()).isEqualTo("raw on connlistener-acceptor");
				}
				ManagedConnListener buffered = registry.get("buffered");
				List<LoopbackClient> clients = new ArrayList<>();
				try {
					for (int i = 0; i < 4; i++) {
						clients.add(LoopbackClient.connect(buffered.localAddress()));
					}
					for (int i = 0; i < clients.size(); i++) {
						assertThat(clients.get(i).exchange("client " + i)).isEqualTo("client " + i);
					}
					assertThat(buffered.activeConnections()).isEqualTo(4);
				}
				finally {
					for (LoopbackClient client : clients) {
						client.close();
					}
				}
				await().atMost(WAIT).until(() -> buffered.activeConnections() == 0);
			});
	}

	@Test
	void listenersAcceptOnTheIoLoopsInTurn() {
		this.contextRunner.withPropertyValues("conn-listener.io-threads=2").run((context) -> {
			assertThat(context).hasNotFailed().doesNotHaveBean("connListenerAcceptorLoop");
			ConnListenerRegistry registry = context.getBean(ConnListenerRegistry.class);
			List<EventLoop> ioLoops = context.getBean(EventLoopGroup.class).loops();
			List<EventLoop> loops = new ArrayList<>();
			for (ManagedConnListener listener : registry.all()) {
				loops.add(listener.listener().loop());
			}
			// Five listeners over two loops: the first, third and fifth accept on the first loop.
			assertThat(loops).containsExactly(ioLoops.get(0), ioLoops.get(1), ioLoops.get(0), ioLoops.get(1),
					ioLoops.get(0));
		});
	}

	@Test
	void acceptedTcpConnectionsGetTcpNoDelayUnlessTurnedOff() {
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
			.withUserConfiguration(NoDelayReporters.class)
			.withPropertyValues("conn-listener.io-threads=1", "conn-listener.defaults.address=127.0.0.1",
					"conn-listener.listeners.on.port=0", "conn-listener.listeners.off.port=0",
					"conn-listener.listeners.off.tcp-no-delay=false")
			.run((context) -> {
				ConnListenerRegistry registry = context.getBean(ConnListenerRegistry.class);
				try (LoopbackClient on = LoopbackClient.connect(registry.get("on").localAddress());
						LoopbackClient off = LoopbackClient.connect(registry.get("off").localAddress())) {
					assertThat(on.readLine()).isEqualTo("TCP_NODELAY true");
					assertThat(off.readLine()).isEqualTo("TCP_NODELAY false");
				}
			});
	}

	@Test
	void blockingHandlerServesEachConnectionOnItsOwnThread() {
		this.contextRunner.run((context) -> {
			ManagedConnListener blocking = context.getBean(ConnListenerRegistry.class).get("blocking");
			try (LoopbackClient first = LoopbackClient.connect(blocking.localAddress());
					LoopbackClient second = LoopbackClient.connect(blocking.localAddress())) {
				assertThat(first.exchange("one")).isEqualTo("one|platform");
				assertThat(second.exchange("two")).isEqualTo("two|platform");
				assertThat(first.exchange("three")).isEqualTo("three|platform");
				assertThat(blocking.activeConnections()).isEqualTo(2);
			}
			await().atMost(WAIT).until(() -> blocking.activeConnections() == 0);
			assertThat(blocking.listener().stats().activeConnections()).isZero();
		});
	}

	@Test
	void bufferedHandlerEchoesOnTheIoLoops() {
		this.contextRunner.run((context) -> {
			ManagedConnListener buffered = context.getBean(ConnListenerRegistry.class).get("buffered");
			try (LoopbackClient first = LoopbackClient.connect(buffered.localAddress());
					LoopbackClient second = LoopbackClient.connect(buffered.localAddress())) {
				assertThat(first.exchange("one")).isEqualTo("one");
				assertThat(second.exchange("two")).isEqualTo("two");
				assertThat(first.exchange("x".repeat(100_000))).isEqualTo("x".repeat(100_000));
				assertThat(buffered.activeConnections()).isEqualTo(2);
			}
			await().atMost(WAIT).until(() -> buffered.activeConnections() == 0);
			assertThat(buffered.listener().stats().activeConnections()).isZero();
		});
	}

	@Test
	void bufferedHandlerThatThrowsClosesOnlyItsConnection() {
		this.contextRunner.run((context) -> {
			ManagedConnListener buffered = context.getBean(ConnListenerRegistry.class).get("buffered");
			try (LoopbackClient bystander = LoopbackClient.connect(buffered.localAddress())) {
				assertThat(bystander.exchange("before")).isEqualTo("before");
				try (LoopbackClient victim = LoopbackClient.connect(buffered.localAddress())) {
					victim.send("boom\n");
					assertThat(victim.isClosedByPeer()).isTrue();
				}
				await().atMost(WAIT).until(() -> buffered.handlerFailures() == 1);
				assertThat(bystander.exchange("after")).isEqualTo("after");
				assertThat(this.log.awaitEntry(Level.WARNING, "failed in onRead for the connection from").thrown())
					.hasMessage("boom");
			}
			await().atMost(WAIT).until(() -> buffered.activeConnections() == 0);
		});
	}

	@Test
	void handlerThatThrowsClosesOnlyItsConnection() {
		this.contextRunner.run((context) -> {
			ManagedConnListener blocking = context.getBean(ConnListenerRegistry.class).get("blocking");
			try (LoopbackClient bystander = LoopbackClient.connect(blocking.localAddress())) {
				assertThat(bystander.exchange("before")).isEqualTo("before|platform");
				try (LoopbackClient victim = LoopbackClient.connect(blocking.localAddress())) {
					victim.send("boom\n");
					assertThat(victim.isClosedByPeer()).isTrue();
				}
				await().atMost(WAIT).until(() -> blocking.handlerFailures() == 1);
				assertThat(bystander.exchange("after")).isEqualTo("after|platform");
				assertThat(this.log.awaitEntry(Level.WARNING, "Handler of listener 'blocking' failed; closed the ")
					.thrown()).hasMessage("boom");
				try (LoopbackClient next = LoopbackClient.connect(blocking.localAddress())) {
					assertThat(next.exchange("next")).isEqualTo("next|platform");
				}
			}
			await().atMost(WAIT).until(() -> blocking.activeConnections() == 0);
		});
	}

	@Test
	void rawHandlerThatThrowsDoesNotStopTheListener() {
		this.contextRunner.run((context) -> {
			ManagedConnListener failing = context.getBean(ConnListenerRegistry.class).get("failing");
			for (int i = 1; i <= 3; i++) {
				try (LoopbackClient client = LoopbackClient.connect(failing.localAddress())) {
					assertThat(client.isClosedByPeer()).isTrue();
				}
				int failures = i;
				await().atMost(WAIT).until(() -> failing.handlerFailures() == failures);
			}
			assertThat(failing.isAccepting()).isTrue();
			assertThat(failing.activeConnections()).isZero();
			assertThat(failing.listener().stats().activeConnections()).isZero();
			assertThat(this.log.awaitEntries(Level.WARNING, "Handler of listener 'failing' failed; closed the ", 3))
				.extracting((entry) -> entry.thrown().getMessage())
				.containsOnly("failing on purpose");
		});
	}

	@Test
	void acceptingPausesAtMaxConnectionsAndResumesBelow() {
		this.contextRunner.run((context) -> {
			ManagedConnListener limited = context.getBean(ConnListenerRegistry.class).get("limited");
			try (LoopbackClient first = LoopbackClient.connect(limited.localAddress());
					LoopbackClient second = LoopbackClient.connect(limited.localAddress())) {
				assertThat(first.exchange("1")).isEqualTo("1|platform");
				assertThat(second.exchange("2")).isEqualTo("2|platform");
				// The loop pauses right after handing over the second connection, which its
				// handler thread may answer first.
				await().atMost(WAIT).until(limited::isAtConnectionLimit);
				await().atMost(WAIT).until(() -> !limited.listener().isAccepting());
				assertThat(limited.isEnabled()).isTrue();
				// The kernel completes the handshake; the listener does not accept it yet.
				try (LoopbackClient third = LoopbackClient.connect(limited.localAddress())) {
					third.send("3\n");
					assertThat(limited.listener().stats().accepted()).isEqualTo(2);
					first.close();
					assertThat(third.readLine()).isEqualTo("3|platform");
					assertThat(limited.listener().stats().accepted()).isEqualTo(3);
				}
			}
			await().atMost(WAIT).until(() -> limited.activeConnections() == 0 && !limited.isAtConnectionLimit());
			assertThat(limited.isAccepting()).isTrue();
		});
	}

	@Test
	void disabledListenerKeepsConnectionsWaitingUntilEnabled() {
		this.contextRunner.withPropertyValues("conn-listener.listeners.blocking.enabled=false").run((context) -> {
			ManagedConnListener blocking = context.getBean(ConnListenerRegistry.class).get("blocking");
			assertThat(blocking.isEnabled()).isFalse();
			assertThat(blocking.isAccepting()).isFalse();
			try (LoopbackClient client = LoopbackClient.connect(blocking.localAddress())) {
				client.send("waiting\n");
				blocking.enable();
				assertThat(client.readLine()).isEqualTo("waiting|platform");
			}
		});
	}

	@Test
	void blockingHandlerServesAUnixDomainSocket(@TempDir Path directory) {
		Path socketFile = directory.resolve("local.sock");
		new ApplicationContextRunner().withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
			.withUserConfiguration(LocalHandler.class)
			.withPropertyValues("conn-listener.io-threads=1", "conn-listener.listeners.local.path=" + socketFile)
			.run((context) -> {
				ManagedConnListener local = context.getBean(ConnListenerRegistry.class).get("local");
				assertThat(local.localAddress()).isEqualTo(UnixDomainSocketAddress.of(socketFile));
				try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(socketFile))) {
					client.write(ByteBuffer.wrap("over unix\n".getBytes(StandardCharsets.UTF_8)));
					BufferedReader reader = new BufferedReader(
							new InputStreamReader(Channels.newInputStream(client), StandardCharsets.UTF_8));
					assertThat(reader.readLine()).isEqualTo("over unix|platform");
				}
				await().atMost(WAIT).until(() -> local.activeConnections() == 0);
				assertThat(socketFile).exists();
				context.close();
				assertThat(socketFile).doesNotExist();
			});
	}

	@Java21Test
	void blockingHandlerRunsOnVirtualThreadsWhenEnabled() {
		this.contextRunner.withPropertyValues("spring.threads.virtual.enabled=true").run((context) -> {
			ManagedConnListener blocking = context.getBean(ConnListenerRegistry.class).get("blocking");
			try (LoopbackClient client = LoopbackClient.connect(blocking.localAddress())) {
				assertThat(client.exchange("hi")).isEqualTo("hi|virtual");
			}
			await().atMost(WAIT).until(() -> blocking.activeConnections() == 0);
		});
	}

	@Configuration(proxyBeanMethods = false)
	@Import(RawGreeter.class)
	static class Handlers {

		@Bean
		@ConnectionHandler("blocking")
		@Order(1)
		BlockingConnectionHandler blockingHandler() {
			return TestHandlers.lineEcho();
		}

		@Bean
		@ConnectionHandler("limited")
		BlockingConnectionHandler limitedHandler() {
			return TestHandlers.lineEcho();
		}

		@Bean
		@ConnectionHandler("buffered")
		BufferedHandler bufferedHandler() {
			return TestHandlers.bufferedEcho();
		}

		@Bean
		@ConnectionHandler("failing")
		AcceptCallback failingHandler() {
			return (listener, channel, remoteAddress) -> {
				throw new IllegalStateException("failing on purpose");
			};
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class NoDelayReporters {

		@Bean
		@ConnectionHandler("on")
		AcceptCallback onHandler() {
			return NoDelayReporters::report;
		}

		@Bean
		@ConnectionHandler("off")
		AcceptCallback offHandler() {
			return NoDelayReporters::report;
		}

		private static void report(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
			try (channel) {
				String line = "TCP_NODELAY " + channel.getOption(StandardSocketOptions.TCP_NODELAY) + "\n";
				channel.write(ByteBuffer.wrap(line.getBytes(StandardCharsets.UTF_8)));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			listener.connectionClosed(remoteAddress);
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class LocalHandler {

		@Bean
		@ConnectionHandler("local")
		BlockingConnectionHandler localHandler() {
			return TestHandlers.lineEcho();
		}

	}

	/**
	 * A raw handler annotated on its class: greets with the thread's name, and closes.
	 */
	@ConnectionHandler("raw")
	static class RawGreeter implements AcceptCallback {

		@Override
		public void onAccept(io.connlistener.ConnListener listener, java.nio.channels.SocketChannel channel,
				java.net.SocketAddress remoteAddress) {
			try (channel) {
				channel.write(java.nio.ByteBuffer.wrap(("raw on " + Thread.currentThread().getName() + "\n")
					.getBytes(java.nio.charset.StandardCharsets.UTF_8)));
			}
			catch (IOException ex) {
				throw new java.io.UncheckedIOException(ex);
			}
			listener.connectionClosed(remoteAddress);
		}

	}

}
