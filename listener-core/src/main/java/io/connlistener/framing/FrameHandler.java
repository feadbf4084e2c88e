package io.connlistener.framing;

import java.nio.ByteBuffer;

import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.ConnectionEvent;

/**
 * Gets the whole frames of a {@link BufferedConnection} from a {@link FramedHandler}.
 * <p>
 * Every method runs on the connection's loop thread and must not block; a handler with work
 * that may block {@linkplain FramedHandler#suspend suspends} the frames, hands the work off
 * and {@linkplain FramedHandler#resume resumes} once it is done. If a method throws, the
 * connection is closed, as for any {@link io.connlistener.buffer.BufferedHandler}.
 */
public interface FrameHandler {

	/**
	 * Called once when the connection is registered, before any frame.
	 * @param connection the connection
	 */
	default void onOpen(BufferedConnection connection) {
	}

	/**
	 * Called with each complete frame, in the order they arrived.
	 * @param connection the connection
	 * @param frame the payload: a heap buffer the handler owns from now on
	 */
	void onFrame(BufferedConnection connection, ByteBuffer frame);

	/**
	 * Called when output that the socket had pushed back has drained to the write low
	 * watermark or below.
	 * @param connection the connection
	 */
	default void onWrite(BufferedConnection connection) {
	}

	/**
	 * Called on end of stream, on an error and on a timeout of the connection; while frames
	 * are {@linkplain FramedHandler#suspend suspended}, end of stream waits until the frames
	 * that came before it were handed on. By default, closes the connection.
	 * @param connection the connection
	 * @param event what happened
	 */
	default void onEvent(BufferedConnection connection, ConnectionEvent event) {
		connection.close();
	}

	/**
	 * Called once, just before framing closes the connection for the failure.
	 * @param connection the connection, still open
	 * @param failure why the connection is being closed
	 */
	default void onFramingFailure(BufferedConnection connection, FramingFailure failure) {
	}

}
