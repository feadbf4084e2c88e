package io.connlistener.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.Random;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.TimeUnit;

import io.connlistener.ConnListener;
import io.connlistener.ListenerOption;
import io.connlistener.loop.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for the {@link EchoServer} example.
 */
class EchoServerTests {

	private final EventLoop loop = new EventLoop("echo-server-test");

	private final ExecutorService writer = Executors.newSingleThreadExecutor();

	private ConnListener listener;

	private SocketChannel client;

	@AfterEach
	void close() throws IOException {
		this.writer.shutdownNow();
		if (this.client != null) {
			this.client.close();
		}
		if (this.listener != null) {
			this.listener.close();
		}
		this.loop.close();
	}

	@Test
	@Timeout(10)
	void portIsTheFirstArgumentOr9876() {
		assertThat(EchoServer.port(new String[0])).isEqualTo(9876);
		assertThat(EchoServer.port(new String[] { "8080" })).isEqualTo(8080);
		assertThat(EchoServer.port(new String[] { "0" })).isEqualTo(-1);
		assertThat(EchoServer.port(new String[] { "65536" })).isEqualTo(-1);
		assertThat(EchoServer.port(new String[] { "echo" })).isEqualTo(-1);
	}

	@Test
	@Timeout(30)
	void echoesEverythingBackThenClosesWhenThePeerHalfCloses() throws Exception {
		this.listener = ConnListener.bind(this.loop, new InetSocketAddress("127.0.0.1", 0), EchoServer::acceptConnection,
				EnumSet.of(ListenerOption.CLOSE_ON_FREE), 16);
		this.client = SocketChannel.open(this.listener.localAddress());
		byte[] payload = new byte[4 * 1024 * 1024];
		new Random(42).nextBytes(payload);
		Future<?> written = this.writer.submit(() -> {
			ByteBuffer source = ByteBuffer.wrap(payload);
			while (source.hasRemaining()) {
				this.client.write(source);
			}
			this.client.shutdownOutput();
			return null;
		});
		ByteBuffer echoed = ByteBuffer.allocate(payload.length + 1);
		while (this.client.read(echoed) >= 0) {
			assertThat(echoed.position()).isLessThanOrEqualTo(payload.length);
		}
		written.get(10, TimeUnit.SECONDS);
		assertThat(echoed.position()).isEqualTo(payload.length);
		assertThat(Arrays.mismatch(Arrays.copyOf(echoed.array(), payload.length), payload)).isEqualTo(-1);
		await().untilAsserted(() -> assertThat(this.listener.stats().activeConnections()).isZero());
	}

}
