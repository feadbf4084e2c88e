package io.connlistener.boot.test;

import java.io.EOFException;
import java.io.IOException;
import java.io.InterruptedIOException;
import java.net.SocketAddress;
import java.net.SocketTimeoutException;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.TimeUnit;
import java.util.function.Supplier;

/**
 * The socket of a {@link ConnListenerClient}: a non-blocking channel waited on with a
 * selector of its own, so that connecting, reading and sending each end by a deadline, over
 * TCP and Unix domain sockets alike (a blocking channel has no read timeout). Keeps what it
 * received until it is read.
 */
final class ClientChannel {

	private static final int PREVIEW_BYTES = 64;

	private final SocketChannel channel;

	private final Selector selector;

	private final SelectionKey key;

	private final String peer;

	private Duration timeout;

	private SocketAddress localAddress;

	/**
	 * Bytes received and not read yet, from 0 to the position.
	 */
	private ByteBuffer received = ByteBuffer.allocate(8192);

	/**
	 * How many of the received bytes are known to hold no line end.
	 */
	private int scanned;

	private ClientChannel(SocketChannel channel, Selector selector, String peer, Duration timeout) throws IOException {
		this.channel = channel;
		this.selector = selector;
		this.key = channel.register(selector, 0);
		this.peer = peer;
		this.timeout = timeout;
	}

	static ClientChannel connect(SocketAddress address, Duration timeout, String peer) throws IOException {
		boolean unix = address instanceof UnixDomainSocketAddress;
		SocketChannel channel = unix ? SocketChannel.open(StandardProtocolFamily.UNIX) : SocketChannel.open();
		Selector selector = null;
		try {
			channel.configureBlocking(false);
			if (!unix) {
				channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			}
			selector = Selector.open();
			ClientChannel client = new ClientChannel(channel, selector, peer, timeout);
			client.connect(address);
			return client;
		}
		catch (IOException | RuntimeException ex) {
			closeQuietly(selector);
			closeQuietly(channel);
			throw ex;
		}
	}

	private void connect(SocketAddress address) throws IOException {
		long deadline = deadline();
		if (!this.channel.connect(address)) {
			while (!this.channel.finishConnect()) {
				await(SelectionKey.OP_CONNECT, deadline, () -> "connecting to " + this.peer);
			}
		}
		this.localAddress = this.channel.getLocalAddress();
	}

	String peer() {
		return this.peer;
	}

	SocketAddress localAddress() {
		return this.localAddress;
	}

	void timeout(Duration timeout) {
		this.timeout = timeout;
	}

	void write(ByteBuffer bytes) throws IOException {
		long deadline = deadline();
		int start = bytes.position();
		while (bytes.hasRemaining()) {
			if (this.channel.write(bytes) == 0) {
				await(SelectionKey.OP_WRITE, deadline, () -> "sending " + (bytes.limit() - start) + " bytes to " + this.peer
						+ " (" + (bytes.position() - start) + " sent): it reads no more");
			}
		}
	}

	/**
	 * Read up to a line end.
	 * @return the line with its {@code \n}
	 */
	byte[] readLine() throws IOException {
		long deadline = deadline();
		int end;
		while ((end = lineEnd()) < 0) {
			receive(deadline, "a line");
		}
		return take(end + 1);
	}

	byte[] read(int length) throws IOException {
		long deadline = deadline();
		while (this.received.position() < length) {
			receive(deadline, length + " bytes");
		}
		return take(length);
	}

	void expectClosed() throws IOException {
		long deadline = deadline();
		while (this.received.position() == 0) {
			int read;
			try {
				read = this.channel.read(this.received);
			}
			catch (ClosedChannelException ex) {
				throw ex;
			}
			catch (IOException ex) {
				// Reset: the listener closed with bytes of ours unread.
				return;
			}
			if (read < 0) {
				return;
			}
			if (read == 0) {
				try {
					await(SelectionKey.OP_READ, deadline, () -> "waiting for " + this.peer + " to close the connection");
				}
				catch (SocketTimeoutException ex) {
					throw new AssertionError("Expected " + this.peer + " to close the connection within "
							+ this.timeout.toMillis() + " ms, but it is still open", ex);
				}
			}
		}
		throw new AssertionError("Expected " + this.peer + " to close the connection, but it sent " + preview());
	}

	void close() {
		closeQuietly(this.selector);
		closeQuietly(this.channel);
	}

	private int lineEnd() {
		for (int i = this.scanned; i < this.received.position(); i++) {
			if (this.received.get(i) == '\n') {
				return i;
			}
		}
		this.scanned = this.received.position();
		return -1;
	}

	private byte[] take(int length) {
		byte[] bytes = new byte[length];
		this.received.flip();
		this.received.get(bytes);
		this.received.compact();
		this.scanned = 0;
		return bytes;
	}

	/**
	 * Receive at least one more byte by the deadline.
	 */
	private void receive(long deadline, String awaited) throws IOException {
		if (!this.received.hasRemaining()) {
			ByteBuffer larger = ByteBuffer.allocate(this.received.capacity() * 2);
			this.received.flip();
			this.received = larger.put(this.received);
		}
		while (true) {
			int read = this.channel.read(this.received);
			if (read > 0) {
				return;
			}
			if (read < 0) {
				throw new EOFException(this.peer + " closed the connection before " + awaited + " arrived; received "
						+ preview());
			}
			await(SelectionKey.OP_READ, deadline, () -> "waiting for " + awaited + " from " + this.peer + "; received "
					+ preview());
		}
	}

	private String preview() {
		int length = this.received.position();
		String text = new String(this.received.array(), 0, Math.min(length, PREVIEW_BYTES), StandardCharsets.UTF_8);
		return length + " bytes" + ((length > 0) ? ": '" + text + ((length > PREVIEW_BYTES) ? "...'" : "'") : "");
	}

	private long deadline() {
		return System.nanoTime() + this.timeout.toNanos();
	}

	private void await(int operation, long deadline, Supplier<String> doing) throws IOException {
		long remaining = deadline - System.nanoTime();
		if (remaining <= 0) {
			throw new SocketTimeoutException("Timed out after " + this.timeout.toMillis() + " ms " + doing.get());
		}
		this.key.interestOps(operation);
		this.selector.select(Math.max(1, TimeUnit.NANOSECONDS.toMillis(remaining)));
		this.selector.selectedKeys().clear();
		if (Thread.currentThread().isInterrupted()) {
			throw new InterruptedIOException("Interrupted " + doing.get());
		}
	}

	private static void closeQuietly(AutoCloseable closeable) {
		if (closeable != null) {
			try {
				closeable.close();
			}
			catch (Exception ex) {
				// Closing a test client: nothing to do about it.
			}
		}
	}

}
