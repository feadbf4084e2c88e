package io.connlistener.boot.listener.tracking;

import java.nio.ByteBuffer;

/**
 * How a handler style serves one {@link TrackedConnection}: what the connections view shows
 * of it, and, for the styles whose output the listener holds (buffered and message), the way
 * in for a send from outside the handler.
 * <p>
 * Every method may be called from any thread and must not block.
 */
public interface ServedConnection {

	/**
	 * A raw handler's connection, whose socket is its own: no bytes counted, nothing to send
	 * through.
	 */
	ServedConnection RAW = () -> "raw";

	/**
	 * Return the handler style's name, as the connections view shows it.
	 * @return {@code raw}, {@code buffered}, {@code blocking} or {@code message}
	 */
	String style();

	/**
	 * Return how many bytes the connection's socket received: over TLS the records, the
	 * handshake's included.
	 * @return the count, or -1 where it is not counted (a raw handler)
	 */
	default long bytesReceived() {
		return -1;
	}

	/**
	 * Return how many bytes the connection's socket sent: over TLS the records, the
	 * handshake's included.
	 * @return the count, or -1 where it is not counted (a raw handler)
	 */
	default long bytesSent() {
		return -1;
	}

	/**
	 * Return whether {@link #send} is supported.
	 * @return {@code true} for the buffered and message styles
	 */
	default boolean canSend() {
		return false;
	}

	/**
	 * Queue bytes for the connection without waiting, unless its output is above the write
	 * high watermark. A message connection frames them as one message.
	 * @param payload the bytes; read, never consumed, so that one buffer may go to many
	 * connections
	 * @return what became of them
	 * @throws UnsupportedOperationException if {@link #canSend()} is {@code false}
	 */
	default SendResult send(ByteBuffer payload) {
		throw new UnsupportedOperationException("A " + style() + " handler writes its connections itself");
	}

}
