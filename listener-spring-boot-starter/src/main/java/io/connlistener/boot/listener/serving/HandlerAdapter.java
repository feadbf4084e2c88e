package io.connlistener.boot.listener.serving;

import io.connlistener.boot.listener.tracking.TrackedConnection;

/**
 * Serves accepted connections in one handler style. Created per listener and per start;
 * {@link #serve} runs on the loop thread that accepted the connection and must not block.
 */
public interface HandlerAdapter {

	/**
	 * Hand over an accepted connection. An exception thrown here closes the connection and
	 * counts as a handler failure.
	 * @param connection the connection
	 */
	void serve(TrackedConnection connection);

	/**
	 * Return whether the handler reports each close to the core listener itself
	 * ({@link io.connlistener.ConnListener#connectionClosed(java.net.SocketAddress)}), as a
	 * raw handler does, rather than through the tracked connection.
	 * @return {@code true} for the raw style
	 */
	default boolean closesThroughListener() {
		return false;
	}

	/**
	 * Return whether a message handler is served: connections are cut into messages with
	 * the listener's framing.
	 * @return {@code true} for the message style
	 */
	default boolean servesMessages() {
		return false;
	}

	/**
	 * Release what the adapter holds (threads), once every connection is closed.
	 */
	default void close() {
	}

	/**
	 * Describe the handler style and bean for logs and messages.
	 * @return a description
	 */
	String describe();

}
