package io.connlistener.boot.listener.serving;

import java.nio.ByteBuffer;

import io.connlistener.boot.listener.tracking.SendResult;
import io.connlistener.boot.listener.tracking.ServedConnection;
import io.connlistener.buffer.BufferedConnection;

/**
 * What the buffered and message styles share as a {@link ServedConnection}: a core
 * {@link BufferedConnection} once it opens, its socket's byte counts, and a send that never
 * waits, refused while the connection is closed and skipped while its {@link PendingOutput}
 * is above the write high watermark. How a payload is queued is the style's.
 * <p>
 * Every method may be called from any thread.
 */
abstract class BufferedServedConnection implements ServedConnection {

	/** The output with what other threads sent that the loop has not queued yet. */
	final PendingOutput output = new PendingOutput();

	/** Set once the connection opens on its loop. */
	volatile BufferedConnection connection;

	@Override
	public final long bytesReceived() {
		BufferedConnection connection = this.connection;
		return (connection != null) ? connection.bytesReceived() : 0;
	}

	@Override
	public final long bytesSent() {
		BufferedConnection connection = this.connection;
		return (connection != null) ? connection.bytesSent() : 0;
	}

	@Override
	public final boolean canSend() {
		return true;
	}

	@Override
	public final SendResult send(ByteBuffer payload) {
		BufferedConnection connection = this.connection;
		if (connection == null || !connection.isOpen()) {
			return SendResult.CLOSED;
		}
		if (!this.output.isWritable(connection)) {
			return SendResult.SKIPPED;
		}
		// A duplicate: the payload is read, never consumed, so that one buffer may go to many.
		return queue(connection, payload.duplicate()) ? SendResult.SENT : SendResult.CLOSED;
	}

	/**
	 * Queue a payload for the connection, on its loop now or handed to it.
	 * @param connection the open connection
	 * @param payload the bytes, the caller's own to consume
	 * @return {@code false} if the loop is closed and the payload went nowhere
	 */
	abstract boolean queue(BufferedConnection connection, ByteBuffer payload);

}
