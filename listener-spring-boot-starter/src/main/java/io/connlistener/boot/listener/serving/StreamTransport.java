package io.connlistener.boot.listener.serving;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import io.connlistener.buffer.TrafficCounter;

/**
 * What {@link ChannelStreams} read and write through: the non-blocking socket itself, or a
 * TLS channel over it ({@link TlsStreamTransport}). Every call returns at once; the streams
 * wait on the socket between calls. One thread at a time reads, and one at a time writes.
 * <p>
 * A transport counts the bytes of the socket, as buffered connections do: over TLS the
 * records, the handshake's and the close_notify included. It tells a {@link TrafficCounter}
 * of them once per call that moved any.
 */
interface StreamTransport {

	/**
	 * Read what can be read now.
	 * @param dst where to put it
	 * @return the bytes read, 0 if none now, -1 at the end of the stream
	 * @throws IOException if reading fails
	 */
	int read(ByteBuffer dst) throws IOException;

	/**
	 * Return what the socket must be ready for before a read that returned 0 can make
	 * progress. Called by the reading thread right after such a read.
	 * @return {@link SelectionKey#OP_READ}, {@link SelectionKey#OP_WRITE} or both; 0 to read
	 * again at once
	 */
	int readInterest();

	/**
	 * Take what can be taken now.
	 * @param src the bytes to send
	 * @return the bytes taken, 0 if none now
	 * @throws IOException if writing fails
	 */
	int write(ByteBuffer src) throws IOException;

	/**
	 * Send what was taken and is still held, as far as the socket takes it now.
	 * @return {@code true} when nothing is held
	 * @throws IOException if writing fails
	 */
	boolean flush() throws IOException;

	/**
	 * Return how many bytes the transport read from the socket so far: over TLS the
	 * records, which may arrive without giving plaintext yet. Safe to call from any thread.
	 * @return the count
	 */
	long receivedOnSocket();

	/**
	 * Return how many bytes the transport wrote to the socket so far: over TLS the records,
	 * which go out while it takes no plaintext. Safe to call from any thread.
	 * @return the count
	 */
	long sentOnSocket();

	/**
	 * End the connection in the transport's own way, as far as the socket takes it now
	 * (a TLS close_notify); the socket is closed afterwards by the caller.
	 */
	void close();

	/**
	 * Return a transport that reads and writes the socket itself, and counts nothing but its
	 * own totals.
	 * @param channel the socket, non-blocking
	 * @return the transport
	 */
	static StreamTransport of(SocketChannel channel) {
		return of(channel, TrafficCounter.NONE);
	}

	/**
	 * Return a transport that reads and writes the socket itself.
	 * @param channel the socket, non-blocking
	 * @param traffic told of every read and write that moved bytes
	 * @return the transport
	 */
	static StreamTransport of(SocketChannel channel, TrafficCounter traffic) {
		return new SocketTransport(channel, traffic);
	}

	/**
	 * The socket itself. Each total has one writer, the reading or the writing thread.
	 */
	final class SocketTransport implements StreamTransport {

		private final SocketChannel channel;

		private final TrafficCounter traffic;

		private volatile long received;

		private volatile long sent;

		private SocketTransport(SocketChannel channel, TrafficCounter traffic) {
			this.channel = channel;
			this.traffic = traffic;
		}

		@Override
		public int read(ByteBuffer dst) throws IOException {
			int read = this.channel.read(dst);
			if (read > 0) {
				this.received += read;
				this.traffic.received(read);
			}
			return read;
		}

		@Override
		public int readInterest() {
			return SelectionKey.OP_READ;
		}

		@Override
		public int write(ByteBuffer src) throws IOException {
			int written = this.channel.write(src);
			if (written > 0) {
				this.sent += written;
				this.traffic.sent(written);
			}
			return written;
		}

		@Override
		public boolean flush() {
			return true;
		}

		@Override
		public long receivedOnSocket() {
			return this.received;
		}

		@Override
		public long sentOnSocket() {
			return this.sent;
		}

		@Override
		public void close() {
		}

	}

}
