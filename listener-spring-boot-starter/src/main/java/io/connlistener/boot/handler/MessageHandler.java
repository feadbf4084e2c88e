package io.connlistener.boot.handler;

/**
 * Serves the messages of a listener that has {@code framing}: each frame the peer sends,
 * decoded as {@code T}, and the reply, encoded with the same framing. {@code T} is
 * {@link String} (decoded and encoded with the listener's {@code framing.charset}),
 * {@code byte[]} or {@link java.nio.ByteBuffer} (a heap buffer holding exactly the frame's
 * payload); any other type is refused at startup.
 * <p>
 * The messages of one connection reach the handler in order, one at a time: the next frame
 * is decoded only once the reply to the previous one is written (or, when the peer reads
 * slowly, once the output has drained below the write high watermark), so pipelined frames
 * never pile up. The handler runs off the event loop, on a virtual thread when the listener
 * enables them on Java 21 or later, otherwise on a pool bounded by {@code max-connections},
 * so it may block; the messages of other connections go on meanwhile. A handler that never
 * blocks may say so with {@link NonBlocking}: it then runs on the loop, without the two
 * thread hand-offs per message. One bean serves every
 * connection: per-connection state goes in {@link MessageContext#attributes()}.
 * <p>
 * A handler that throws closes its connection, counted as {@code handler-failed}.
 *
 * @param <T> the message type: {@code String}, {@code byte[]} or {@code ByteBuffer}
 */
public interface MessageHandler<T> {

	/**
	 * Called once for each message, in the order the peer sent them.
	 * @param message the frame's payload
	 * @param context the connection
	 * @return the reply, encoded with the listener's framing, or {@code null} for none
	 */
	T onMessage(T message, MessageContext context);

	/**
	 * Called once, on a handler thread, when the connection opens and before its first
	 * message.
	 * @param context the connection
	 */
	default void onOpen(MessageContext context) {
	}

	/**
	 * Called once, on a handler thread, after the connection closed, whoever closed it,
	 * and never while {@link #onMessage} runs for it.
	 * @param context the connection, whose {@link MessageContext#send} does nothing any more
	 */
	default void onClose(MessageContext context) {
	}

}
