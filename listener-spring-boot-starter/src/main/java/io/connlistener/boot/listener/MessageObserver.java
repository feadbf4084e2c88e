package io.connlistener.boot.listener;

import io.connlistener.boot.handler.MessageContext;

/**
 * Runs each call of a listener's {@link io.connlistener.boot.handler.MessageHandler} inside
 * something that observes it: an observation with its scope open, say, so that what the
 * handler logs carries the trace it belongs to. Called on the handler thread, once per
 * message; a listener without one calls its handler directly.
 */
@FunctionalInterface
public interface MessageObserver {

	/**
	 * Make one call of the handler.
	 * @param connection the connection the message came on
	 * @param call the call
	 * @return what the call returned
	 */
	Object observe(MessageContext connection, Call call);

	/**
	 * One call of a message handler.
	 */
	@FunctionalInterface
	interface Call {

		/**
		 * Call the handler.
		 * @return its reply, or {@code null}
		 */
		Object handle();

	}

}
