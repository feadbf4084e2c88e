package io.connlistener.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;

/**
 * One load-generator connection: a non-blocking socket with {@code TCP_NODELAY} and
 * {@code SO_LINGER 0} (its close is a reset, so that churn leaves no {@code TIME_WAIT} and
 * ports do not run out), the message it sends and the buffer its echo comes back in.
 * <p>
 * Not thread-safe: owned by the thread of the selector it is registered with.
 */
final class ClientConnection implements LoadConnection {

	/** What starts each framed line: the sample app's command that answers the rest of the line. */
	static final byte[] ECHO_COMMAND = "ECHO ".getBytes(StandardCharsets.US_ASCII);

	private final SocketChannel channel;

	private final SelectionKey key;

	private final ByteBuffer out;

	private final ByteBuffer in;

	private final long openedAt;

	private long sentAt;

	private ClientConnection(SocketChannel channel, SelectionKey key, ByteBuffer payload, int replyLength) {
		this.channel = channel;
		this.key = key;
		this.out = payload.duplicate();
		this.in = ByteBuffer.allocateDirect(replyLength);
		this.openedAt = System.nanoTime();
		key.attach(this);
	}

	/**
	 * Start connecting to the target; once connected, {@link #finishConnect()} sends the first
	 * message.
	 * @param selector the selector of the calling thread
	 * @param target where to connect
	 * @param payload the message, shared read-only by every connection of the thread
	 * @return the connection
	 * @throws IOException if the socket cannot be opened
	 */
	static ClientConnection connect(Selector selector, InetSocketAddress target, ByteBuffer payload)
			throws IOException {
		return connect(selector, target, payload, payload.capacity());
	}

	/**
	 * Start connecting as {@link #connect(Selector, InetSocketAddress, ByteBuffer)} does, for
	 * a reply of another length than the message: a framed {@code ECHO} command's.
	 * @param selector the selector of the calling thread
	 * @param target where to connect
	 * @param payload the message, shared read-only by every connection of the thread
	 * @param replyLength how many bytes answer each message
	 * @return the connection
	 * @throws IOException if the socket cannot be opened
	 */
	static ClientConnection connect(Selector selector, InetSocketAddress target, ByteBuffer payload, int replyLength)
			throws IOException {
		return LoadConnection.connect(selector, target,
				(channel, key) -> new ClientConnection(channel, key, payload, replyLength));
	}

	/**
	 * Complete a pending connect and send the first message.
	 * @return whether the connection is established
	 * @throws IOException if the connect failed
	 */
	@Override
	public boolean finishConnect() throws IOException {
		if (!this.channel.finishConnect()) {
			return false;
		}
		send();
		return true;
	}

	/**
	 * Send the message once more and wait for its echo.
	 * @throws IOException if the write failed
	 */
	@Override
	public void send() throws IOException {
		this.in.clear();
		this.out.clear();
		this.sentAt = System.nanoTime();
		flush();
	}

	/**
	 * Write what is left of the message, reading meanwhile.
	 * @throws IOException if the write failed
	 */
	@Override
	public void flush() throws IOException {
		this.channel.write(this.out);
		this.key.interestOps(SelectionKey.OP_READ | (this.out.hasRemaining() ? SelectionKey.OP_WRITE : 0));
	}

	/**
	 * Read what has arrived of the echo.
	 * @return whether the whole echo has arrived
	 * @throws IOException if the read failed or the server closed the connection
	 */
	@Override
	public boolean read() throws IOException {
		if (this.channel.read(this.in) < 0) {
			throw new IOException("Server closed the connection");
		}
		return !this.in.hasRemaining();
	}

	/**
	 * Stop watching this connection: it stays open, idle.
	 */
	void idle() {
		this.key.interestOps(0);
	}

	@Override
	public long openedAt() {
		return this.openedAt;
	}

	@Override
	public long sentAt() {
		return this.sentAt;
	}

	/**
	 * Close with a reset.
	 */
	@Override
	public void close() {
		this.key.cancel();
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// Closing a socket with SO_LINGER 0 only fails if it is already gone.
		}
	}

	/**
	 * Create the message every connection of a thread sends.
	 * @param size bytes
	 * @return a direct buffer of that many bytes
	 */
	static ByteBuffer payload(int size) {
		return payload(size, false);
	}

	/**
	 * Create the message every connection of a thread sends, or a command line of that size.
	 * @param size bytes
	 * @param line whether the message is the line {@code ECHO <letters>\r\n}, which a framed
	 * peer answers with {@code <letters>\r\n}
	 * @return a direct buffer of that many bytes
	 */
	static ByteBuffer payload(int size, boolean line) {
		ByteBuffer payload = ByteBuffer.allocateDirect(size);
		if (line) {
			payload.put(ECHO_COMMAND);
		}
		int letters = line ? size - ECHO_COMMAND.length - 2 : size;
		for (int i = 0; i < letters; i++) {
			payload.put((byte) ('a' + (i % 26)));
		}
		if (line) {
			payload.put((byte) '\r').put((byte) '\n');
		}
		return payload.flip();
	}

	/**
	 * Return how many bytes answer a message of the given size.
	 * @param size bytes of the message
	 * @param line whether the message is an {@code ECHO} command line
	 * @return the size of the echo: without the command for a line
	 */
	static int replyLength(int size, boolean line) {
		return line ? size - ECHO_COMMAND.length : size;
	}

}
