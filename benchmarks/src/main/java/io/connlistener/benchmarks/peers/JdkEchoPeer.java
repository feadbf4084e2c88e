package io.connlistener.benchmarks.peers;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.Iterator;

/**
 * The baseline: a minimal echo server on one JDK {@link Selector} thread that accepts and
 * serves every connection, with one direct buffer per connection, allocated on accept. What
 * it reads it writes back before reading more; if the socket pushes back, it waits for
 * {@code OP_WRITE} instead of reading.
 * Accepted sockets get {@code TCP_NODELAY}, as Netty sets by default.
 */
public final class JdkEchoPeer {

	private static final int BUFFER_SIZE = 16 * 1024;

	private JdkEchoPeer() {
	}

	public static void main(String[] args) throws IOException {
		Selector selector = Selector.open();
		ServerSocketChannel server = ServerSocketChannel.open();
		server.bind(PeerSupport.LOOPBACK, PeerSupport.BACKLOG);
		server.configureBlocking(false);
		server.register(selector, SelectionKey.OP_ACCEPT);
		Thread loop = new Thread(() -> run(selector, server), "jdk-echo");
		loop.start();
		PeerSupport.ready(server.getLocalAddress());
		PeerSupport.awaitStop();
		selector.wakeup();
		loop.interrupt();
		System.exit(0);
	}

	private static void run(Selector selector, ServerSocketChannel server) {
		while (!Thread.currentThread().isInterrupted()) {
			try {
				selector.select();
				Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
				while (keys.hasNext()) {
					SelectionKey key = keys.next();
					keys.remove();
					if (!key.isValid()) {
						continue;
					}
					if (key.isAcceptable()) {
						accept(selector, server);
					}
					else {
						serve(key);
					}
				}
			}
			catch (IOException ex) {
				System.err.println("Echo loop failed: " + ex);
				return;
			}
		}
	}

	private static void accept(Selector selector, ServerSocketChannel server) throws IOException {
		// Bounded like the other peers: at most 64 accepts per wakeup.
		for (int i = 0; i < 64; i++) {
			SocketChannel channel = server.accept();
			if (channel == null) {
				return;
			}
			channel.configureBlocking(false);
			channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			channel.register(selector, SelectionKey.OP_READ, ByteBuffer.allocateDirect(BUFFER_SIZE));
		}
	}

	private static void serve(SelectionKey key) {
		SocketChannel channel = (SocketChannel) key.channel();
		ByteBuffer buffer = (ByteBuffer) key.attachment();
		try {
			if (key.isReadable()) {
				if (channel.read(buffer) < 0) {
					close(key);
					return;
				}
			}
			buffer.flip();
			channel.write(buffer);
			boolean pending = buffer.hasRemaining();
			buffer.compact();
			key.interestOps(pending ? SelectionKey.OP_WRITE : SelectionKey.OP_READ);
		}
		catch (IOException ex) {
			close(key);
		}
	}

	private static void close(SelectionKey key) {
		key.cancel();
		try {
			key.channel().close();
		}
		catch (IOException ex) {
			// Closing after an error: nothing more to do.
		}
	}

}
