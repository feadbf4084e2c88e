package io.connlistener.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.channels.SocketChannel;
import java.util.function.BiFunction;

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
	 * Open a non-blocking socket with {@code TCP_NODELAY} and {@code SO_LINGER 0}, start
	 * connecting it and register it with the selector, for {@code OP_CONNECT} unless the
	 * connect completed at once, in which case the connection {@link #finishConnect() goes
	 * on} at once.
	 * @param <C> the kind of connection
	 * @param selector the selector of the calling thread
	 * @param target where to connect
	 * @param connection makes the connection of the socket and its key
	 * @return the connection
	 * @throws IOException if the socket cannot be opened
	 */
	static <C extends LoadConnection> C connect(Selector selector, InetSocketAddress target,
			BiFunction<SocketChannel, SelectionKey, C> connection) throws IOException {
		SocketChannel channel = SocketChannel.open();
		try {
			channel.configureBlocking(false);
			channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			channel.setOption(StandardSocketOptions.SO_LINGER, 0);
			boolean connected = channel.connect(target);
			C created = connection.apply(channel, channel.register(selector, connected ? 0 : SelectionKey.OP_CONNECT));
			if (connected) {
				created.finishConnect();
			}
			return created;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

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
