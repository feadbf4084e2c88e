package io.connlistener.buffer;

import java.nio.channels.SelectionKey;

import io.connlistener.loop.EventLoop;

/**
 * The read, write and idle timeouts of a {@link BufferedConnection}. They measure bytes that
 * move, never readiness: bytes read or written hold them off, and one that runs out first
 * tries the read or write it concerns, so that only a direction where no byte moves is timed
 * out, however late the selector reports the socket ready.
 * <p>
 * The read timeout runs while the socket is watched for reading, the write timeout while it
 * is watched for writing, and the idle timeout from open to close, whatever paused reading
 * or writing, except after {@link ConnectionEvent#ERROR}. A timeout that runs out while the
 * connection is {@linkplain ConnectionState#CLOSING closing} frees it instead of telling the
 * handler.
 * <p>
 * Loop thread only.
 */
final class ConnectionTimeouts {

	private final BufferedSocket socket;

	private final IdleTimeout read;

	private final IdleTimeout write;

	private final IdleTimeout idle;

	/** Whether output stuck at the idle timeout is told as a write timeout: one no longer than it. */
	private final boolean stallIsWriteTimeout;

	ConnectionTimeouts(BufferedSocket socket, EventLoop loop, BufferedConnectionSettings settings) {
		this.socket = socket;
		this.read = new IdleTimeout(loop, settings.readTimeout(), () -> socket.isWatching(SelectionKey.OP_READ),
				this::readTimedOut);
		this.write = new IdleTimeout(loop, settings.writeTimeout(), () -> socket.isWatching(SelectionKey.OP_WRITE),
				this::writeTimedOut);
		this.idle = new IdleTimeout(loop, settings.idleTimeout(), () -> socket.state().writes(), this::idleTimedOut);
		this.stallIsWriteTimeout = settings.writeTimeout() != null && settings.idleTimeout() != null
				&& settings.writeTimeout().compareTo(settings.idleTimeout()) <= 0;
	}

	/**
	 * Start the idle timeout: called once the connection is registered.
	 */
	void opened() {
		this.idle.start();
	}

	/**
	 * Start the timeouts of the directions the socket is now watched for.
	 * @param ops the interest ops that were just added
	 */
	void watching(int ops) {
		if ((ops & SelectionKey.OP_READ) != 0) {
			this.read.start();
		}
		if ((ops & SelectionKey.OP_WRITE) != 0) {
			this.write.start();
		}
	}

	void read() {
		this.read.progressed();
		this.idle.progressed();
	}

	void wrote() {
		this.write.progressed();
		this.idle.progressed();
	}

	/**
	 * Record a write that went out before anything was queued, while the write timeout did
	 * not run.
	 */
	void wroteDirectly() {
		this.idle.progressed();
	}

	void cancel() {
		this.read.cancel();
		this.write.cancel();
		this.idle.cancel();
	}

	private void readTimedOut() {
		// A loop that ran late, say a long iteration on a busy machine, may not have read
		// what arrived meanwhile: whether a read gets bytes now tells.
		if (this.socket.reads().read() || this.socket.state() == ConnectionState.FREED) {
			return;
		}
		this.socket.enableRead(false);
		this.socket.calls().onEvent(ConnectionEvent.READ_TIMEOUT);
	}

	private void writeTimedOut() {
		// The selector may not have reported the socket writable although the peer reads:
		// whether a write goes out now tells.
		if (!this.socket.writes().flush() && this.socket.state().writes()) {
			writeStalled();
		}
	}

	private void idleTimedOut() {
		if (this.socket.isWatching(SelectionKey.OP_READ)
				&& (this.socket.reads().read() || !this.socket.state().writes())) {
			return;
		}
		boolean stalled = this.socket.isWatching(SelectionKey.OP_WRITE);
		if (stalled && (this.socket.writes().flush() || !this.socket.state().writes())) {
			return;
		}
		if (stalled && this.stallIsWriteTimeout) {
			// Its own timer may have started later, when the output got stuck: same cause.
			writeStalled();
		}
		else if (this.socket.state() == ConnectionState.CLOSING) {
			this.socket.free();
		}
		else {
			this.socket.calls().onEvent(ConnectionEvent.IDLE_TIMEOUT);
		}
	}

	private void writeStalled() {
		if (this.socket.state() == ConnectionState.CLOSING) {
			this.socket.free();
			return;
		}
		this.socket.enableWrite(false);
		this.socket.calls().onEvent(ConnectionEvent.WRITE_TIMEOUT);
	}

}
