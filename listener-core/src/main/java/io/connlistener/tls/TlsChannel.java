package io.connlistener.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;

import javax.net.ssl.SSLException;

import io.connlistener.internal.tls.TlsChannels;
import io.connlistener.internal.tls.TlsConnection;

/**
 * An established TLS connection over a non-blocking {@link SocketChannel}, driven by its
 * {@code SSLEngine}: a handler reads and writes plaintext, the channel moves records. The
 * counterpart of libevent's {@code bufferevent_openssl_filter_new} for one connection.
 * <p>
 * Not thread-safe, and never blocks: it is driven by the caller's loop, on the loop thread
 * or on one thread at a time. Because the engine works in whole records, readiness of the
 * socket and readiness of the channel differ: read again without waiting for the socket
 * while {@link #hasBufferedInput()}, and watch the socket for {@link #interestOps()}, which
 * asks for {@link SelectionKey#OP_WRITE} while encrypted bytes are pending even when the
 * caller wrote nothing (a key update, a session ticket, a close_notify).
 * <p>
 * TLS 1.3 post-handshake messages (session tickets, key updates) are handled inside
 * {@link #read} and {@link #flush}. A client that starts a renegotiation of a TLS 1.2
 * session is refused: {@link #read} throws {@link SSLException}, and the channel then only
 * closes. A connection accepted by a TLS listener gets its channel from
 * {@link io.connlistener.AcceptedConnection#tls()}.
 */
public final class TlsChannel implements ByteChannel, GatheringByteChannel {

	static {
		TlsChannels.constructor(TlsChannel::new);
	}

	private final TlsConnection connection;

	private TlsChannel(TlsConnection connection) {
		this.connection = connection;
	}

	/**
	 * Read plaintext.
	 * @param dst where to put it
	 * @return how many bytes were read; 0 when none is available now; -1 once the peer sent
	 * close_notify or closed the connection
	 * @throws SSLException if a record is bad or the peer renegotiates
	 * @throws IOException if the socket fails
	 */
	@Override
	public int read(ByteBuffer dst) throws IOException {
		Objects.requireNonNull(dst, "'dst' must not be null");
		return this.connection.read(dst);
	}

	/**
	 * Take plaintext and encrypt it, in records of at most 16 KiB of plaintext, writing them
	 * to the socket as far as it takes them.
	 * @param src the plaintext
	 * @return how many plaintext bytes were taken; 0 while encrypted output is still pending
	 * on the socket (call {@link #flush()} once the socket is writable)
	 * @throws IOException if the socket or the engine fails
	 */
	@Override
	public int write(ByteBuffer src) throws IOException {
		Objects.requireNonNull(src, "'src' must not be null");
		return this.connection.write(src);
	}

	/**
	 * Take plaintext from a sequence of buffers and encrypt it, as {@link #write(ByteBuffer)}
	 * does: a record may gather bytes of several buffers.
	 * @param srcs the plaintext
	 * @param offset the first buffer to take from
	 * @param length how many buffers to take from
	 * @return how many plaintext bytes were taken
	 * @throws IOException if the socket or the engine fails
	 */
	@Override
	public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
		Objects.checkFromIndexSize(offset, length, srcs.length);
		return this.connection.write(srcs, offset, length);
	}

	/**
	 * Take plaintext from a sequence of buffers and encrypt it.
	 * @param srcs the plaintext
	 * @return how many plaintext bytes were taken
	 * @throws IOException if the socket or the engine fails
	 */
	@Override
	public long write(ByteBuffer[] srcs) throws IOException {
		return write(srcs, 0, srcs.length);
	}

	/**
	 * Return whether encrypted bytes wait for the socket: the records of what was written,
	 * or of what the engine sends on its own (a key update, close_notify).
	 * @return {@code true} until {@link #flush()} has written them
	 */
	public boolean hasPendingOutput() {
		return this.connection.hasPendingOutput();
	}

	/**
	 * Write pending encrypted bytes to the socket, as far as it takes them.
	 * @return {@code true} when none is left
	 * @throws IOException if the socket or the engine fails
	 */
	public boolean flush() throws IOException {
		return this.connection.flush();
	}

	/**
	 * Return how many encrypted bytes were read from the socket so far, the ClientHello
	 * included (a PROXY header before it is not). A read that returns no plaintext may still
	 * have moved some: part of a record.
	 * @return the count
	 */
	public long socketBytesRead() {
		return this.connection.socketBytesRead();
	}

	/**
	 * Return how many encrypted bytes were written to the socket so far, the handshake's
	 * included. A write that takes no plaintext may still have moved some: the rest of a
	 * pending record.
	 * @return the count
	 */
	public long socketBytesWritten() {
		return this.connection.socketBytesWritten();
	}

	/**
	 * Return whether plaintext, or whole records, were read from the socket and not returned
	 * yet: the caller must {@link #read} again without waiting for the socket to become
	 * readable.
	 * @return {@code true} if a read may return bytes without the socket being readable
	 */
	public boolean hasBufferedInput() {
		return this.connection.hasBufferedInput();
	}

	/**
	 * Return what the channel needs from the socket to make progress:
	 * {@link SelectionKey#OP_READ} and, while encrypted bytes are pending,
	 * {@link SelectionKey#OP_WRITE}.
	 * @return the interest set
	 */
	public int interestOps() {
		return this.connection.interestOps();
	}

	/**
	 * Queue a close_notify, sent by the next {@link #flush()}; writing afterwards fails.
	 * @throws IOException if the engine fails
	 */
	public void shutdownOutput() throws IOException {
		this.connection.shutdownOutput();
	}

	/**
	 * Send a close_notify as far as the socket takes it without blocking, then close the
	 * socket.
	 * @throws IOException if closing the socket fails
	 */
	@Override
	public void close() throws IOException {
		this.connection.close();
	}

	@Override
	public boolean isOpen() {
		return this.connection.isOpen();
	}

	/**
	 * Return the socket the records travel on. Reading or writing it directly breaks the
	 * connection.
	 * @return the socket
	 */
	public SocketChannel socket() {
		return this.connection.socket();
	}

	/**
	 * Return the session, the SNI host name and the ALPN protocol of the connection.
	 * @return the information
	 */
	public TlsInfo info() {
		return this.connection.info();
	}

	@Override
	public String toString() {
		return "TlsChannel[" + this.connection.socket() + "]";
	}

}
