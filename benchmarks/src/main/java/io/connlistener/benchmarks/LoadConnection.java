package io.connlistener.benchmarks;

import java.io.IOException;

/**
 * One connection of a {@link LoadWorker}, in plain TCP ({@link ClientConnection}) or TLS
 * ({@link TlsClientConnection}): registered with the worker's selector, it sends its message
 * once it is connected (and, with TLS, once its handshake is done), and tells when the whole
 * echo has come back.
 * <p>
 * Not thread-safe: owned by the thread of the selector it is registered with.
 */
interface LoadConnection {

	/**
	 * Complete a pending connect, then start the handshake or send the first message.
	 * @return whether the connection is established
	 * @throws IOException if the connect failed
	 */
	boolean finishConnect() throws IOException;

	/**
	 * Go on when the socket is writable: write what is pending.
	 * @throws IOException if the write failed
	 */
	void flush() throws IOException;

	/**
	 * Go on when the socket is readable.
	 * @return whether the whole echo of the message in flight has arrived
	 * @throws IOException if the read failed or the server closed the connection
	 */
	boolean read() throws IOException;

	/**
	 * Send the message once more and wait for its echo.
	 * @throws IOException if the write failed
	 */
	void send() throws IOException;

	/**
	 * Return when the connect started.
	 * @return {@link System#nanoTime()} then
	 */
	long openedAt();

	/**
	 * Return when the message in flight was sent.
	 * @return {@link System#nanoTime()} then
	 */
	long sentAt();

	/**
	 * Close with a reset (with TLS, after a best-effort {@code close_notify}).
	 */
	void close();

}
