package io.connlistener.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Iterator;
import java.util.List;

/**
 * Connections of an {@code idle} scenario: opened a few hundred at a time (so that no
 * backlog overflows), each proven served by one echo of a small message, then left open and
 * silent until {@link #close()}.
 * <p>
 * Not thread-safe: open and close them on one thread.
 */
final class IdleConnections implements AutoCloseable {

	/** Connects in flight at once. */
	static final int MAX_IN_FLIGHT = 256;

	private final Selector selector;

	private final List<ClientConnection> established = new ArrayList<>();

	private int failed;

	private IdleConnections(Selector selector) {
		this.selector = selector;
	}

	/**
	 * Open connections, each echoing one message before it goes idle.
	 * @param target the peer's loopback address
	 * @param count how many connections
	 * @param size bytes of the one message
	 * @param timeout how long opening them all may take
	 * @return the connections, as many as were opened in time
	 * @throws IOException if the selector cannot be opened
	 */
	static IdleConnections open(InetSocketAddress target, int count, int size, Duration timeout) throws IOException {
		IdleConnections connections = new IdleConnections(Selector.open());
		try {
			connections.fill(target, count, ClientConnection.payload(size), System.nanoTime() + timeout.toNanos());
			return connections;
		}
		catch (IOException | RuntimeException ex) {
			connections.close();
			throw ex;
		}
	}

	private void fill(InetSocketAddress target, int count, ByteBuffer payload, long deadline) throws IOException {
		List<ClientConnection> pending = new ArrayList<>();
		int started = 0;
		while (this.established.size() + this.failed < count && System.nanoTime() < deadline) {
			while (pending.size() < MAX_IN_FLIGHT && started < count) {
				started++;
				try {
					pending.add(ClientConnection.connect(this.selector, target, payload));
				}
				catch (IOException ex) {
					this.failed++;
				}
			}
			this.selector.select(100);
			Iterator<SelectionKey> keys = this.selector.selectedKeys().iterator();
			while (keys.hasNext()) {
				SelectionKey key = keys.next();
				keys.remove();
				ClientConnection connection = (ClientConnection) key.attachment();
				try {
					if (key.isConnectable()) {
						connection.finishConnect();
					}
					else {
						if (key.isWritable()) {
							connection.flush();
						}
						if (key.isReadable() && connection.read()) {
							connection.idle();
							pending.remove(connection);
							this.established.add(connection);
						}
					}
				}
				catch (IOException ex) {
					this.failed++;
					pending.remove(connection);
					connection.close();
				}
			}
		}
		this.failed += pending.size();
		pending.forEach(ClientConnection::close);
	}

	/**
	 * Return how many connections are open and were served.
	 * @return the count
	 */
	int established() {
		return this.established.size();
	}

	/**
	 * Return how many connections failed or timed out.
	 * @return the count
	 */
	int failed() {
		return this.failed;
	}

	/**
	 * Close every connection with a reset.
	 */
	@Override
	public void close() {
		this.established.forEach(ClientConnection::close);
		this.established.clear();
		try {
			// Let the selector deregister the cancelled keys so the sockets really close.
			this.selector.selectNow();
			this.selector.close();
		}
		catch (IOException ex) {
			// Closing: nothing more to do.
		}
	}

}
