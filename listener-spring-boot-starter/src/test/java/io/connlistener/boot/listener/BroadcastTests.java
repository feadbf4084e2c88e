package io.connlistener.boot.listener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.testsupport.Figures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A {@link ConnectionRegistry} broadcast to 1,000 buffered connections, of which 10 never
 * read and have a small receive buffer: the others get every byte, the 10 are skipped once
 * their output is above the write high watermark, and no output ever holds more than the
 * watermark and one broadcast.
 */
@Timeout(120)
class BroadcastTests {

	private static final int CONNECTIONS = 1000;

	private static final int SILENT = 10;

	private static final int WATERMARK = 16 * 1024;

	private static final int PAYLOAD = 16 * 1024;

	private static final int MAX_ROUNDS = 40;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(Handlers.class)
		.withPropertyValues("conn-listener.io-threads=2", "conn-listener.listeners.news.port=0",
				"conn-listener.listeners.news.address=127.0.0.1", "conn-listener.listeners.news.max-connections=1100",
				"conn-listener.listeners.news.write-timeout=0",
				"conn-listener.listeners.news.buffered.write-high-watermark=" + WATERMARK + "B",
				"conn-listener.listeners.news.buffered.write-low-watermark=0B");

	@Test
	void slowClientsAreSkippedAndHoldNoMoreThanTheWatermarkAndOneBroadcast() {
		this.contextRunner.run((context) -> {
			ManagedConnListener news = context.getBean(ConnListenerRegistry.class).get("news");
			ConnectionRegistry registry = context.getBean(ConnectionRegistry.class);
			Set<BufferedConnection> served = context.getBean(Handlers.class).connections;
			InetSocketAddress address = (InetSocketAddress) news.localAddress();
			List<SocketChannel> silent = new ArrayList<>();
			try (Selector selector = Selector.open(); Readers readers = new Readers(selector)) {
				for (int i = 0; i < CONNECTIONS; i++) {
					SocketChannel channel = SocketChannel.open();
					if (i < SILENT) {
						channel.setOption(StandardSocketOptions.SO_RCVBUF, 4096);
						silent.add(channel);
					}
					channel.connect(address);
					if (i >= SILENT) {
						readers.add(channel);
					}
					else {
						readers.keep(channel);
					}
				}
				readers.start();
				await().until(() -> news.activeConnections() == CONNECTIONS);
				BroadcastResult result = null;
				int rounds = 0;
				long mostHeld = 0;
				while (rounds < MAX_ROUNDS && (result == null || result.skipped() < SILENT)) {
					result = registry.broadcast("news", new byte[PAYLOAD]);
					rounds++;
					long expected = (long) rounds * PAYLOAD * (CONNECTIONS - SILENT);
					await().until(() -> readers.received() == expected);
					for (BufferedConnection connection : served) {
						mostHeld = Math.max(mostHeld, connection.outputBufferedBytes());
					}
				}
				assertThat(result.skipped()).isEqualTo(SILENT);
				assertThat(result.sent()).isEqualTo(CONNECTIONS - SILENT);
				assertThat(result.closed()).isZero();
				assertThat(news.connections().skippedSends()).isGreaterThanOrEqualTo(SILENT);
				assertThat(mostHeld).isLessThanOrEqualTo(WATERMARK + PAYLOAD);
				long held = served.stream().mapToLong(BufferedConnection::outputBufferedBytes).sum();
				assertThat(held).isLessThanOrEqualTo((long) SILENT * (WATERMARK + PAYLOAD));
				Figures.record("broadcast", "%d connections, %d silent: %d rounds of %d bytes; last round sent %d, "
						+ "skipped %d; %d skipped in all; most held by one output %d, held by all at the end %d",
						CONNECTIONS, SILENT, rounds, PAYLOAD, result.sent(), result.skipped(),
						news.connections().skippedSends(), mostHeld, held);
			}
		});
	}

	/**
	 * Reads every reader's bytes on one thread, and keeps the silent ones open.
	 */
	private static final class Readers implements AutoCloseable {

		private final Selector selector;

		private final List<SocketChannel> channels = new ArrayList<>();

		private final AtomicLong received = new AtomicLong();

		private final AtomicBoolean running = new AtomicBoolean(true);

		private final Thread thread = new Thread(this::run, "broadcast-readers");

		Readers(Selector selector) {
			this.selector = selector;
		}

		void add(SocketChannel channel) throws IOException {
			this.channels.add(channel);
			channel.configureBlocking(false);
			channel.register(this.selector, SelectionKey.OP_READ);
		}

		void keep(SocketChannel channel) {
			this.channels.add(channel);
		}

		void start() {
			this.thread.start();
		}

		long received() {
			return this.received.get();
		}

		private void run() {
			ByteBuffer buffer = ByteBuffer.allocateDirect(64 * 1024);
			try {
				while (this.running.get()) {
					this.selector.select(100);
					for (SelectionKey key : this.selector.selectedKeys()) {
						buffer.clear();
						int read = ((SocketChannel) key.channel()).read(buffer);
						if (read > 0) {
							this.received.addAndGet(read);
						}
						else if (read < 0) {
							key.cancel();
						}
					}
					this.selector.selectedKeys().clear();
				}
			}
			catch (IOException ex) {
				// The test closes the selector under us: done.
			}
		}

		@Override
		public void close() throws Exception {
			this.running.set(false);
			this.selector.wakeup();
			this.thread.join(10_000);
			for (SocketChannel channel : this.channels) {
				channel.close();
			}
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		final Set<BufferedConnection> connections = ConcurrentHashMap.newKeySet();

		@Bean
		@ConnectionHandler("news")
		BufferedHandler newsHandler() {
			return new BufferedHandler() {

				@Override
				public void onOpen(BufferedConnection connection) {
					try {
						// Small kernel buffers both ends, so that a silent client fills its output soon.
						connection.channel().setOption(StandardSocketOptions.SO_SNDBUF, 4096);
					}
					catch (IOException ex) {
						connection.close();
						return;
					}
					Handlers.this.connections.add(connection);
					connection.onClose(() -> Handlers.this.connections.remove(connection));
				}

				@Override
				public void onRead(BufferedConnection connection) {
					connection.input().drain(connection.input().readableBytes());
				}

			};
		}

	}

}
