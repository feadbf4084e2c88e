package io.connlistener.boot.listener;

/**
 * Serves accepted connections in one handler style. Created per listener and per start;
 * {@link #serve} runs on the listener's loop thread and must not block.
 */
interface HandlerAdapter {

	/**
	 * Hand over an accepted connection. An exception thrown here closes the connection and
	 * counts as a handler failure.
	 * @param connection the connection
	 */
	void serve(TrackedConnection connection);

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
