package io.connlistener.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;

/**
 * Relays one connection on loopback to a server, passing what one side sends on at a pace
 * and what the other sends as it comes: a client whose bytes trickle in, or one that reads
 * the socket slowly, whatever the size of the writes and reads it makes.
 */
public final class PacedRelay implements AutoCloseable {

	private final ServerSocketChannel relay;

	private final Thread running;

	private volatile SocketChannel client;

	private volatile SocketChannel server;

	private PacedRelay(ServerSocketChannel relay, InetSocketAddress target, boolean pacesClient,
			int bytesPerSecond) {
		this.relay = relay;
		this.running = start("paced-relay", () -> relay(target, pacesClient, bytesPerSecond));
	}

	/**
	 * Listen on a loopback port for one client to relay to the target, passing what the
	 * client sends on at a pace.
	 * @param target the server
	 * @param bytesPerSecond the pace of the client's bytes
	 * @return the relay
	 * @throws IOException if the port cannot be bound
	 */
	public static PacedRelay pacingClient(InetSocketAddress target, int bytesPerSecond) throws IOException {
		return new PacedRelay(bind(), target, true, bytesPerSecond);
	}

	/**
	 * Listen on a loopback port for one client to relay to the target, taking what the server
	 * sends at a pace, with a small receive buffer, so that the server's socket takes bytes
	 * only as fast.
	 * @param target the server
	 * @param bytesPerSecond the pace of the server's bytes
	 * @return the relay
	 * @throws IOException if the port cannot be bound
	 */
	public static PacedRelay pacingServer(InetSocketAddress target, int bytesPerSecond) throws IOException {
		return new PacedRelay(bind(), target, false, bytesPerSecond);
	}

	private static ServerSocketChannel bind() throws IOException {
		ServerSocketChannel relay = ServerSocketChannel.open();
		relay.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		return relay;
	}

	/**
	 * Return the address clients connect to.
	 * @return the relay's loopback address
	 * @throws IOException if the relay is closed
	 */
	public InetSocketAddress address() throws IOException {
		return (InetSocketAddress) this.relay.getLocalAddress();
	}

	private void relay(InetSocketAddress target, boolean pacesClient, int bytesPerSecond) {
		try (SocketChannel client = this.relay.accept(); SocketChannel server = SocketChannel.open()) {
			if (!pacesClient) {
				server.setOption(StandardSocketOptions.SO_RCVBUF, 4 * 1024);
			}
			server.connect(target);
			this.client = client;
			this.server = server;
			SocketChannel paced = pacesClient ? client : server;
			SocketChannel other = pacesClient ? server : client;
			Thread unpaced = start("paced-relay-other", () -> copy(other, paced));
			PacedReader.read(paced, Long.MAX_VALUE, bytesPerSecond, (bytes) -> writeFully(other, bytes));
			other.shutdownOutput();
			unpaced.join();
		}
		catch (IOException | UncheckedIOException ex) {
			// A test that closes the relay ends it here.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static void copy(SocketChannel from, SocketChannel to) {
		ByteBuffer buffer = ByteBuffer.allocate(16 * 1024);
		try {
			while (from.read(buffer.clear()) >= 0) {
				writeFully(to, buffer.flip());
			}
			to.shutdownOutput();
		}
		catch (IOException | UncheckedIOException ex) {
			// Closed by the other direction or by the test.
		}
	}

	private static void writeFully(SocketChannel to, ByteBuffer bytes) {
		try {
			while (bytes.hasRemaining()) {
				to.write(bytes);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	@Override
	public void close() throws IOException {
		this.relay.close();
		closeQuietly(this.client);
		closeQuietly(this.server);
		try {
			this.running.join(10_000);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	private static Thread start(String name, Runnable task) {
		Thread thread = new Thread(task, name);
		thread.setDaemon(true);
		thread.start();
		return thread;
	}

	private static void closeQuietly(SocketChannel channel) {
		if (channel != null) {
			try {
				channel.close();
			}
			catch (IOException ex) {
				// Closing anyway.
			}
		}
	}

}
