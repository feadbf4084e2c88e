package io.connlistener.buffer;

/**
 * Serves a {@link BufferedConnection}: libevent's bufferevent read, write and event
 * callbacks in one interface.
 * <p>
 * Every method runs on the connection's loop thread and must not block. A handler may keep
 * per-connection state if it is created per connection, or be shared by many connections if
 * it keeps none. If a method throws, the failure is logged once and counted, the connection
 * is closed, and the loop goes on.
 */
@FunctionalInterface
public interface BufferedHandler {

	/**
	 * Called once, on the loop, when the connection is registered and before any other
	 * callback. Reading starts when it returns.
	 * @param connection the connection
	 */
	default void onOpen(BufferedConnection connection) {
	}

	/**
	 * Called when bytes have been added to the {@link BufferedConnection#input() input}.
	 * Consume them (read, drain or move them); while the input holds at least the read high
	 * watermark, the connection stops reading from the socket.
	 * @param connection the connection
	 */
	void onRead(BufferedConnection connection);

	/**
	 * Called when output that the socket had pushed back has drained to the write low
	 * watermark or below: the moment to write more after {@link BufferedConnection#isWritable()}
	 * returned {@code false}.
	 * @param connection the connection
	 */
	default void onWrite(BufferedConnection connection) {
	}

	/**
	 * Called on end of stream, on an error and on a timeout. By default, closes the
	 * connection, as the seed's echo server does.
	 * @param connection the connection
	 * @param event what happened
	 */
	default void onEvent(BufferedConnection connection, ConnectionEvent event) {
		connection.close();
	}

}
