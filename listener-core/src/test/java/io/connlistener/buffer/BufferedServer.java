package io.connlistener.buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;
import java.util.stream.Stream;

import io.connlistener.ConnListener;
import io.connlistener.ListenerOption;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;

/**
 * A listener on 127.0.0.1 and an ephemeral port whose connections are served by a
 * {@link BufferedAcceptor}, plus the blocking clients a test opens; all closed by
 * {@link #close()}.
 */
final class BufferedServer implements AutoCloseable {

	final EventLoop acceptLoop = new EventLoop("buffered-test-accept");

	final EventLoopGroup group;

	final ConnListener listener;

	private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();

	BufferedServer(int loops, Supplier<? extends BufferedHandler> handlers, BufferedConnectionSettings settings)
			throws IOException {
		this.group = new EventLoopGroup(loops, "buffered-test-io");
		this.listener = ConnListener.bind(this.acceptLoop, new InetSocketAddress("127.0.0.1", 0),
				new BufferedAcceptor(this.group, handlers, settings, BufferedAcceptor.LoopChoice.ROUND_ROBIN),
				EnumSet.of(ListenerOption.CLOSE_ON_FREE), -1);
	}

	SocketChannel connect() throws IOException {
		return connect(0);
	}

	SocketChannel connect(int receiveBufferSize) throws IOException {
		SocketChannel client = SocketChannel.open();
		this.clients.add(client);
		if (receiveBufferSize > 0) {
			client.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferSize);
		}
		client.connect(this.listener.localAddress());
		return client;
	}

	@Override
	public void close() {
		closeClients();
		this.listener.close();
		this.group.close();
		this.acceptLoop.close();
	}

	void closeClients() {
		for (SocketChannel client : this.clients) {
			try {
				client.close();
			}
			catch (IOException ex) {
				// Closing anyway.
			}
		}
	}

	static long openFileDescriptors() {
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			return fds.count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	static void assertSameBytes(byte[] actual, byte[] expected) {
		org.assertj.core.api.Assertions.assertThat(actual.length).as("length").isEqualTo(expected.length);
		org.assertj.core.api.Assertions.assertThat(java.util.Arrays.mismatch(actual, expected))
			.as("index of the first differing byte")
			.isEqualTo(-1);
	}

	static void writeFully(SocketChannel channel, byte[] bytes) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
	}

	/**
	 * Read exactly {@code length} bytes in reads of at most {@code chunk} bytes.
	 */
	static byte[] readFully(SocketChannel channel, int length, int chunk) throws IOException {
		byte[] bytes = new byte[length];
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		while (buffer.position() < length) {
			buffer.limit(Math.min(length, buffer.position() + chunk));
			if (channel.read(buffer) < 0) {
				throw new IOException("End of stream after " + buffer.position() + " of " + length + " bytes");
			}
		}
		return bytes;
	}

}
