package io.connlistener.tls;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ByteChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLException;

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
 * session is refused: {@link #read} throws {@link SSLException} and the connection closes.
 */
public final class TlsChannel implements ByteChannel {

	private TlsChannel() {
		throw new UnsupportedOperationException("Not implemented yet");
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
		throw new UnsupportedOperationException("Not implemented yet");
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
		throw new UnsupportedOperationException("Not implemented yet");
	}

	/**
	 * Write pending encrypted bytes to the socket, as far as it takes them.
	 * @return {@code true} when none is left
	 * @throws IOException if the socket or the engine fails
	 */
	public boolean flush() throws IOException {
		throw new UnsupportedOperationException("Not implemented yet");
	}

	/**
	 * Return whether plaintext, or whole records, were read from the socket and not returned
	 * yet: the caller must {@link #read} again without waiting for the socket to become
	 * readable.
	 * @return {@code true} if a read may return bytes without the socket being readable
	 */
	public boolean hasBufferedInput() {
		throw new UnsupportedOperationException("Not implemented yet");
	}

	/**
	 * Return what the channel needs from the socket to make progress:
	 * {@link SelectionKey#OP_READ} and, while encrypted bytes are pending,
	 * {@link SelectionKey#OP_WRITE}.
	 * @return the interest set
	 */
	public int interestOps() {
		throw new UnsupportedOperationException("Not implemented yet");
	}

	/**
	 * Queue a close_notify, sent by the next {@link #flush()}; writing afterwards fails.
	 * @throws IOException if the engine fails
	 */
	public void shutdownOutput() throws IOException {
		throw new UnsupportedOperationException("Not implemented yet");
	}

	/**
	 * Send a close_notify as far as the socket takes it without blocking, then close the
	 * socket.
	 * @throws IOException if closing the socket fails
	 */
	@Override
	public void close() throws IOException {
		throw new UnsupportedOperationException("Not implemented yet");
	}

	@Override
	public boolean isOpen() {
		throw new UnsupportedOperationException("Not implemented yet");
	}

	/**
	 * Return the socket the records travel on. Reading or writing it directly breaks the
	 * connection.
	 * @return the socket
	 */
	public SocketChannel socket() {
		throw new UnsupportedOperationException("Not implemented yet");
	}

	/**
	 * Return the session, the SNI host name and the ALPN protocol of the connection.
	 * @return the information
	 */
	public TlsInfo info() {
		throw new UnsupportedOperationException("Not implemented yet");
	}

}
