package io.connlistener.framing;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Supplier;

import io.connlistener.ConnListener;
import io.connlistener.ListenerOption;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.BufferedConnections;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;

/**
 * A listener on 127.0.0.1 and an ephemeral port whose connections each get a
 * {@link FramedHandler}, plus the blocking clients a test opens; all closed by
 * {@link #close()}.
 */
final class FramedServer implements AutoCloseable {

	final EventLoop acceptLoop = new EventLoop("framing-test-accept");

	final EventLoopGroup group = new EventLoopGroup(1, "framing-test-io");

	final ConnListener listener;

	private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();

	FramedServer(Supplier<FramedHandler> handlers, BufferedConnectionSettings settings) throws IOException {
		this.listener = ConnListener.bind(this.acceptLoop, new InetSocketAddress("127.0.0.1", 0),
				new BufferedConnections(this.group, handlers, settings, BufferedConnections.LoopChoice.ROUND_ROBIN),
				EnumSet.of(ListenerOption.CLOSE_ON_FREE), 1024);
	}

	SocketChannel connect() throws IOException {
		SocketChannel client = SocketChannel.open();
		this.clients.add(client);
		client.connect(this.listener.localAddress());
		return client;
	}

	static void write(SocketChannel client, byte[] bytes) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		while (buffer.hasRemaining()) {
			client.write(buffer);
		}
	}

	/**
	 * Read until the peer closes, and return how many bytes came.
	 */
	static long readToEnd(SocketChannel client) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(8192);
		long total = 0;
		int count;
		while ((count = client.read(buffer.clear())) >= 0) {
			total += count;
		}
		return total;
	}

	@Override
	public void close() {
		for (SocketChannel client : this.clients) {
			try {
				client.close();
			}
			catch (IOException ex) {
				// Closing anyway.
			}
		}
		this.listener.close();
		this.group.close();
		this.acceptLoop.close();
	}

}
