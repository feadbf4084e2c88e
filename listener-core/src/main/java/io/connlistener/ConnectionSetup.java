package io.connlistener;

/**
 * The setup of one accepted connection, as a {@link ConnectionSetupObserver} follows it:
 * the listener tells it how the accept path ended, and whoever serves the connection tells
 * it when the setup is over, at the connection's first byte, or that the connection closed
 * before one came.
 * <p>
 * The listener calls {@link #rejected}, {@link #abandoned} and {@link #handedOver} on its
 * loop thread; {@link #ready} and {@link #closed} may come from any thread, more than once.
 * An implementation keeps the first end it is told and ignores the rest.
 */
public interface ConnectionSetup {

	/**
	 * A stage of the accept path rejected the connection, which is closed.
	 * @param reason why
	 */
	void rejected(RejectionReason reason);

	/**
	 * The connection was closed before it could be handed over: its socket failed, or its
	 * listener closed under it.
	 */
	void abandoned();

	/**
	 * The connection passed every stage and goes to the callback now. The setup is not over:
	 * {@link #ready} or {@link #closed} ends it.
	 * @param accepted what the callback is given
	 */
	void handedOver(AcceptedConnection accepted);

	/**
	 * The connection is set up: its first byte reached the handler, or a handler that reads
	 * the socket itself has it.
	 */
	void ready();

	/**
	 * The connection closed after it was handed over, before its first byte.
	 * @param reason a short word for why (a timeout, say), or {@code null} for an ordinary
	 * close
	 */
	void closed(String reason);

}
