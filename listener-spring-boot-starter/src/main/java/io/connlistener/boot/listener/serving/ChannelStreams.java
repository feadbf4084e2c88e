package io.connlistener.boot.listener.serving;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedByInterruptException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.locks.ReentrantLock;

/**
 * Blocking streams over a {@link SocketChannel} in non-blocking mode, for TCP and Unix domain
 * sockets alike, and over TLS on such a socket: a read or write that the channel cannot
 * serve at once waits on a {@link ChannelPoller}. Over TLS the streams carry plaintext, a
 * write returns once its records are on the socket, and closing sends close_notify. Unlike {@link java.nio.channels.Channels#newInputStream}, whose reads
 * and writes share one lock, one thread may read while another writes. Closing either stream
 * closes the channel, as a socket's streams do; so does interrupting a thread that reads or
 * writes, as with any interruptible channel.
 * <p>
 * Timeouts measure progress, and a thread that waits for one tries its read or write again
 * when it runs out, so that a peer that reads or sends at any steady pace never times out:
 * <ul>
 * <li>the write timeout ends a write that the peer takes no byte of for that long, however
 * long the whole write takes;</li>
 * <li>the idle timeout ends a read or write that waits while no byte has moved either way
 * for that long, counting from the start of the call at the earliest.</li>
 * </ul>
 * A call that times out runs the timeout action (which closes the connection) once per
 * connection and fails with a {@link SocketTimeoutException}.
 */
final class ChannelStreams {

	/**
	 * Most bytes handed to the socket in one call: the JDK copies a heap buffer into a
	 * direct one for each call, which a slow peer would otherwise make quadratic.
	 */
	private static final int MAX_WRITE = 64 * 1024;

	private final StreamTransport transport;

	private final ChannelPoller poller;

	private final long idleNanos;

	private final long writeNanos;

	private final TimeoutAction timeoutAction;

	private final Runnable failed;

	private final ReentrantLock readLock = new ReentrantLock();

	private final ReentrantLock writeLock = new ReentrantLock();

	private final AtomicBoolean timedOut = new AtomicBoolean();

	private final InputStream inputStream = new ChannelInputStream();

	private final OutputStream outputStream = new ChannelOutputStream();

	/** When a byte last moved either way. */
	private volatile long lastProgress = System.nanoTime();

	/**
	 * Create the streams of a channel in non-blocking mode.
	 * @param channel the channel
	 * @param poller waits for the channel to be ready, and closes it
	 * @param idleTimeout the idle timeout, or {@code null} for none
	 * @param writeTimeout the write timeout, or {@code null} for none
	 * @param timeoutAction told once which timeout ran out, and closes the connection
	 * @param failed told when a read or write fails, so that a reset by the peer is not taken
	 * for a failure of the handler that rethrows it
	 */
	ChannelStreams(SocketChannel channel, ChannelPoller poller, Duration idleTimeout, Duration writeTimeout,
			TimeoutAction timeoutAction, Runnable failed) {
		this(StreamTransport.of(channel), poller, idleTimeout, writeTimeout, timeoutAction, failed);
	}

	/**
	 * Create the streams of a transport over a channel in non-blocking mode.
	 * @param transport reads and writes the channel, or TLS over it
	 * @param poller waits for the channel to be ready, and closes it
	 * @param idleTimeout the idle timeout, or {@code null} for none
	 * @param writeTimeout the write timeout, or {@code null} for none
	 * @param timeoutAction told once which timeout ran out, and closes the connection
	 * @param failed told when a read or write fails
	 */
	ChannelStreams(StreamTransport transport, ChannelPoller poller, Duration idleTimeout, Duration writeTimeout,
			TimeoutAction timeoutAction, Runnable failed) {
		this.transport = transport;
		this.poller = poller;
		this.idleNanos = (idleTimeout != null) ? idleTimeout.toNanos() : 0;
		this.writeNanos = (writeTimeout != null) ? writeTimeout.toNanos() : 0;
		this.timeoutAction = timeoutAction;
		this.failed = failed;
	}

	InputStream inputStream() {
		return this.inputStream;
	}

	OutputStream outputStream() {
		return this.outputStream;
	}

	private int read(ByteBuffer buffer) throws IOException {
		this.readLock.lock();
		try {
			long since = System.nanoTime();
			boolean retried = false;
			while (true) {
				long received = this.transport.receivedOnSocket();
				int read = io(() -> this.transport.read(buffer));
				if (read != 0) {
					if (read > 0) {
						this.lastProgress = System.nanoTime();
					}
					return read;
				}
				if (this.transport.receivedOnSocket() != received) {
					// Part of a TLS record: no plaintext yet, but the peer is sending.
					this.lastProgress = System.nanoTime();
				}
				int interest = this.transport.readInterest();
				if (interest == 0 && !retried) {
					// Decrypted already: read it without waiting, once.
					retried = true;
					continue;
				}
				retried = false;
				long idleDeadline = idleDeadline(since);
				if (idleDeadline != 0 && System.nanoTime() - idleDeadline >= 0) {
					throw timeout(false, "Read timed out: nothing moved either way for ", this.idleNanos);
				}
				await((interest != 0) ? interest : SelectionKey.OP_READ, idleDeadline, true);
			}
		}
		finally {
			this.readLock.unlock();
		}
	}

	private void write(ByteBuffer buffer) throws IOException {
		this.writeLock.lock();
		try {
			long since = System.nanoTime();
			long lastWrite = since;
			int limit = buffer.limit();
			while (true) {
				long sent = this.transport.sentOnSocket();
				int written = 0;
				if (buffer.hasRemaining()) {
					buffer.limit(Math.min(limit, buffer.position() + MAX_WRITE));
					written = io(() -> this.transport.write(buffer));
					buffer.limit(limit);
				}
				// Over TLS, records the socket has not taken yet are the write's too: it returns once they are sent.
				boolean done = !buffer.hasRemaining() && flushed();
				// The rest of a TLS record going out is progress too, although no plaintext was taken.
				boolean moved = written > 0 || this.transport.sentOnSocket() != sent;
				if (done) {
					if (moved) {
						this.lastProgress = System.nanoTime();
					}
					return;
				}
				if (moved) {
					lastWrite = System.nanoTime();
					this.lastProgress = lastWrite;
					continue;
				}
				long now = System.nanoTime();
				long writeDeadline = deadline(lastWrite, this.writeNanos);
				// A stall that both timeouts cover is the write timeout's: the peer does not read.
				if (writeDeadline != 0 && now - writeDeadline >= 0) {
					throw timeout(true, "Write timed out: the peer took nothing for ", this.writeNanos);
				}
				long idleDeadline = idleDeadline(since);
				if (idleDeadline != 0 && now - idleDeadline >= 0) {
					throw timeout(false, "Write timed out: nothing moved either way for ", this.idleNanos);
				}
				await(SelectionKey.OP_WRITE, earliest(writeDeadline, idleDeadline), false);
			}
		}
		finally {
			this.writeLock.unlock();
		}
	}

	private void await(int ops, long deadline, boolean reading) throws IOException {
		this.poller.await(ops, deadline, reading);
		if (Thread.currentThread().isInterrupted()) {
			// As a blocking channel does: a non-blocking one does not look at interrupts.
			io(() -> {
				this.poller.close();
				throw new ClosedByInterruptException();
			});
		}
	}

	private void close() {
		this.transport.close();
		this.poller.close();
	}

	private long idleDeadline(long since) {
		long last = this.lastProgress;
		return deadline((last - since > 0) ? last : since, this.idleNanos);
	}

	/**
	 * Return the deadline a timeout sets from a time, never 0, which means none.
	 */
	private static long deadline(long from, long timeoutNanos) {
		if (timeoutNanos == 0) {
			return 0;
		}
		long deadline = from + timeoutNanos;
		return (deadline != 0) ? deadline : 1;
	}

	private static long earliest(long deadline, long other) {
		if (deadline == 0 || (other != 0 && other - deadline < 0)) {
			return other;
		}
		return deadline;
	}

	private boolean flushed() throws IOException {
		return io(() -> this.transport.flush() ? 1 : 0) == 1;
	}

	private int io(ChannelCall call) throws IOException {
		try {
			return call.run();
		}
		catch (IOException ex) {
			if (this.failed != null) {
				this.failed.run();
			}
			if (this.timedOut.get()) {
				SocketTimeoutException timeout = new SocketTimeoutException("Closed: another read or write timed out");
				timeout.initCause(ex);
				throw timeout;
			}
			throw ex;
		}
	}

	private SocketTimeoutException timeout(boolean writing, String message, long nanos) {
		if (this.timedOut.compareAndSet(false, true)) {
			this.timeoutAction.timedOut(writing);
		}
		return new SocketTimeoutException(message + TimeUnit.NANOSECONDS.toMillis(nanos) + " ms");
	}

	/**
	 * What to do when a timeout runs out.
	 */
	@FunctionalInterface
	interface TimeoutAction {

		/**
		 * Close the connection that timed out.
		 * @param writing {@code true} for the write timeout, {@code false} for the idle
		 * timeout
		 */
		void timedOut(boolean writing);

	}

	@FunctionalInterface
	private interface ChannelCall {

		int run() throws IOException;

	}

	private final class ChannelInputStream extends InputStream {

		@Override
		public int read() throws IOException {
			byte[] one = new byte[1];
			int read = read(one, 0, 1);
			return (read == 1) ? (one[0] & 0xff) : -1;
		}

		@Override
		public int read(byte[] bytes, int offset, int length) throws IOException {
			Objects.checkFromIndexSize(offset, length, bytes.length);
			if (length == 0) {
				return 0;
			}
			return ChannelStreams.this.read(ByteBuffer.wrap(bytes, offset, length));
		}

		@Override
		public void close() {
			ChannelStreams.this.close();
		}

	}

	private final class ChannelOutputStream extends OutputStream {

		@Override
		public void write(int value) throws IOException {
			write(new byte[] { (byte) value }, 0, 1);
		}

		@Override
		public void write(byte[] bytes, int offset, int length) throws IOException {
			Objects.checkFromIndexSize(offset, length, bytes.length);
			ChannelStreams.this.write(ByteBuffer.wrap(bytes, offset, length));
		}

		@Override
		public void close() {
			ChannelStreams.this.close();
		}

	}

}
