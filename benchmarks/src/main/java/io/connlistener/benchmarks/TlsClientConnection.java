package io.connlistener.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;

/**
 * One load-generator connection over TLS: the JDK's {@link SSLEngine} (from
 * {@link TlsClient}) over a non-blocking socket with {@code TCP_NODELAY} and
 * {@code SO_LINGER 0}, as {@link ClientConnection}. Once connected it makes the handshake,
 * running the engine's delegated tasks on the worker's thread, then sends its message; it
 * counts the echo's plaintext bytes until the whole message is back. Its close sends
 * {@code close_notify} if the socket takes it at once, then resets.
 * <p>
 * Buffers are heap buffers, as Netty gives the JDK's engine, so that the engine's AES-GCM
 * runs on arrays; the socket copies them to its own direct buffer.
 * <p>
 * Not thread-safe: owned by the thread of the selector it is registered with.
 */
final class TlsClientConnection implements LoadConnection {

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	private final SocketChannel channel;

	private final SelectionKey key;

	private final SSLEngine engine;

	private final ByteBuffer out;

	private final int size;

	/** Received records, in write mode. */
	private ByteBuffer netIn;

	/** Records to send, in write mode. */
	private final ByteBuffer netOut;

	/** Plaintext of the echo, in write mode. */
	private ByteBuffer appIn;

	private final long openedAt;

	private long sentAt;

	private boolean established;

	private TlsClientConnection(SocketChannel channel, SelectionKey key, SSLEngine engine, ByteBuffer payload) {
		this.channel = channel;
		this.key = key;
		this.engine = engine;
		this.out = payload.duplicate();
		this.size = payload.capacity();
		int packet = engine.getSession().getPacketBufferSize();
		this.netIn = ByteBuffer.allocate(packet);
		this.netOut = ByteBuffer.allocate(packet);
		this.appIn = ByteBuffer.allocate(Math.max(engine.getSession().getApplicationBufferSize(), this.size));
		this.openedAt = System.nanoTime();
		key.attach(this);
	}

	/**
	 * Start connecting to the target; once connected, {@link #finishConnect()} starts the
	 * handshake, and its end sends the first message.
	 * @param selector the selector of the calling thread
	 * @param target where to connect
	 * @param payload the message, shared read-only by every connection of the thread
	 * @param tls where the engine comes from
	 * @return the connection
	 * @throws IOException if the socket cannot be opened
	 */
	static TlsClientConnection connect(Selector selector, InetSocketAddress target, ByteBuffer payload, TlsClient tls)
			throws IOException {
		return LoadConnection.connect(selector, target,
				(channel, key) -> new TlsClientConnection(channel, key, tls.newEngine(), payload));
	}

	@Override
	public boolean finishConnect() throws IOException {
		if (!this.channel.finishConnect()) {
			return false;
		}
		startHandshake();
		return true;
	}

	private void startHandshake() throws IOException {
		this.engine.beginHandshake();
		handshake();
	}

	/**
	 * Drive the handshake as far as the bytes at hand allow; at its end, send the message.
	 */
	private void handshake() throws IOException {
		while (!this.established) {
			HandshakeStatus status = this.engine.getHandshakeStatus();
			switch (status) {
				case NEED_TASK -> runTasks();
				case NEED_WRAP -> {
					// Goes on at the next flush once the socket takes the records.
					if (!wrap(EMPTY) || !flushRecords()) {
						return;
					}
				}
				case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
					if (unwrap() <= 0 && this.engine.getHandshakeStatus() == status) {
						return;
					}
				}
				default -> {
					this.established = true;
					send();
				}
			}
		}
	}

	private void runTasks() {
		Runnable task;
		while ((task = this.engine.getDelegatedTask()) != null) {
			task.run();
		}
	}

	/**
	 * Wrap one record of the source into the records pending.
	 * @return {@code false} if those fill their buffer and the socket takes none now: the
	 * socket is watched for {@code OP_WRITE}, and nothing was wrapped
	 */
	private boolean wrap(ByteBuffer source) throws IOException {
		SSLEngineResult result = this.engine.wrap(source, this.netOut);
		if (result.getStatus() == SSLEngineResult.Status.BUFFER_OVERFLOW) {
			// Records pending in full: the socket takes them before there is room for more.
			if (!flushRecords()) {
				return false;
			}
			result = this.engine.wrap(source, this.netOut);
		}
		if (result.getStatus() != SSLEngineResult.Status.OK) {
			throw new SSLException("wrap: " + result.getStatus());
		}
		return true;
	}

	/**
	 * Unwrap one record from the bytes received.
	 * @return the bytes of records consumed, or -1 when more bytes must come first
	 */
	private int unwrap() throws IOException {
		while (true) {
			this.netIn.flip();
			SSLEngineResult result;
			try {
				result = this.engine.unwrap(this.netIn, this.appIn);
			}
			finally {
				this.netIn.compact();
			}
			switch (result.getStatus()) {
				case OK -> {
					return result.bytesConsumed();
				}
				case BUFFER_UNDERFLOW -> {
					if (!this.netIn.hasRemaining()) {
						// A record larger than the session's packet size so far: make room.
						this.netIn = ByteBuffer.allocate(this.netIn.capacity() * 2).put(this.netIn.flip());
					}
					return -1;
				}
				case BUFFER_OVERFLOW -> this.appIn = ByteBuffer.allocate(this.appIn.capacity() * 2).put(this.appIn.flip());
				default -> throw new IOException("The server closed the TLS session");
			}
		}
	}

	@Override
	public void send() throws IOException {
		this.appIn.clear();
		this.out.clear();
		this.sentAt = System.nanoTime();
		sendMore();
	}

	/**
	 * Wrap and write what is left of the message, until the socket takes no more: the rest
	 * goes on at the next {@link #flush()}, when the socket is writable again.
	 */
	private void sendMore() throws IOException {
		while (this.out.hasRemaining()) {
			if (!wrap(this.out)) {
				return;
			}
		}
		flushRecords();
	}

	/**
	 * Write the records pending, and ask for {@code OP_WRITE} if some are left.
	 * @return whether none is left
	 */
	private boolean flushRecords() throws IOException {
		this.netOut.flip();
		try {
			this.channel.write(this.netOut);
		}
		finally {
			this.netOut.compact();
		}
		boolean flushed = this.netOut.position() == 0;
		this.key.interestOps(SelectionKey.OP_READ | (flushed ? 0 : SelectionKey.OP_WRITE));
		return flushed;
	}

	@Override
	public void flush() throws IOException {
		if (!flushRecords()) {
			return;
		}
		if (!this.established) {
			handshake();
		}
		else if (this.out.hasRemaining() && this.sentAt != 0) {
			sendMore();
		}
	}

	@Override
	public boolean read() throws IOException {
		if (this.channel.read(this.netIn) < 0) {
			throw new IOException("Server closed the connection");
		}
		if (!this.established) {
			handshake();
			if (!this.established) {
				return false;
			}
		}
		// Records of the echo, and post-handshake messages (session tickets, key updates).
		while (this.netIn.position() > 0 && unwrap() > 0) {
			HandshakeStatus status = this.engine.getHandshakeStatus();
			if (status == HandshakeStatus.NEED_TASK) {
				runTasks();
			}
			else if (status == HandshakeStatus.NEED_WRAP) {
				// A post-handshake answer, which nothing would resend later: it must go now.
				if (!wrap(EMPTY)) {
					throw new IOException("The socket takes no records while " + this.netOut.position() + " bytes wait");
				}
				flushRecords();
			}
		}
		return this.appIn.position() >= this.size;
	}

	@Override
	public long openedAt() {
		return this.openedAt;
	}

	@Override
	public long sentAt() {
		return this.sentAt;
	}

	@Override
	public void close() {
		this.key.cancel();
		try {
			if (this.established && this.netOut.position() == 0) {
				this.engine.closeOutbound();
				this.engine.wrap(EMPTY, this.netOut);
				this.netOut.flip();
				this.channel.write(this.netOut);
			}
		}
		catch (IOException ex) {
			// The reset below ends it all the same.
		}
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// Closing a socket with SO_LINGER 0 only fails if it is already gone.
		}
	}

}
