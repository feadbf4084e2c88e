package io.connlistener.boot.listener.serving;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

/**
 * What {@link ChannelStreams} read and write through: the non-blocking socket itself, or a
 * TLS channel over it ({@link TlsStreamTransport}). Every call returns at once; the streams
 * wait on the socket between calls. One thread at a time reads, and one at a time writes.
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
	 * Return how many bytes the transport read from the socket so far, where that is not
	 * what {@link #read} returns (the records of a TLS channel, which may arrive without
	 * giving plaintext yet). Called by the reading thread.
	 * @return the count; always 0 for the socket itself
	 */
	long receivedOnSocket();

	/**
	 * Return how many bytes the transport wrote to the socket so far, where that is not what
	 * {@link #write} returns (the records of a TLS channel, which go out while it takes no
	 * plaintext). Called by the writing thread.
	 * @return the count; always 0 for the socket itself
	 */
	long sentOnSocket();

	/**
	 * End the connection in the transport's own way, as far as the socket takes it now
	 * (a TLS close_notify); the socket is closed afterwards by the caller.
	 */
	void close();

	/**
	 * Return a transport that reads and writes the socket itself.
	 * @param channel the socket, non-blocking
	 * @return the transport
	 */
	static StreamTransport of(SocketChannel channel) {
		return new StreamTransport() {

			@Override
			public int read(ByteBuffer dst) throws IOException {
				return channel.read(dst);
			}

			@Override
			public int readInterest() {
				return SelectionKey.OP_READ;
			}

			@Override
			public int write(ByteBuffer src) throws IOException {
				return channel.write(src);
			}

			@Override
			public boolean flush() {
				return true;
			}

			@Override
			public long receivedOnSocket() {
				return 0;
			}

			@Override
			public long sentOnSocket() {
				return 0;
			}

			@Override
			public void close() {
			}

		};
	}

}
