package io.connlistener.buffer;

/**
 * Where a {@link BufferedConnection} is in its life, and what entering each state fires. A
 * connection starts {@link #OPEN} and ends {@link #FREED}, from any state:
 * <pre>
 * OPEN ──end of stream──▶ EOF_PENDING ──output flushed──▶ PEER_CLOSED
 *   └──end of stream, nothing queued─────────────────────────┘
 * OPEN, EOF_PENDING, PEER_CLOSED ──I/O failure──▶ ERRORED
 * OPEN, EOF_PENDING, PEER_CLOSED ──closeAfterFlush──▶ CLOSING ──output flushed──▶ FREED
 * </pre>
 * Only the loop thread moves a connection between states, except to {@link #FREED}, which a
 * connection whose loop refuses tasks enters on the thread that closes it.
 */
enum ConnectionState {

	/**
	 * Reading and writing; every callback may fire.
	 */
	OPEN(true, true, true),

	/**
	 * The peer shut its side down while output was queued. Reading has stopped; entering
	 * {@link #PEER_CLOSED} once the output is flushed fires {@link ConnectionEvent#EOF}, so
	 * that a handler that closes on it does not cut its answer short.
	 */
	EOF_PENDING(false, true, true),

	/**
	 * The peer shut its side down and {@link ConnectionEvent#EOF} fired on entering. Reading
	 * has stopped for good; writing, {@link ConnectionEvent#ERROR} and the write and idle
	 * timeouts go on.
	 */
	PEER_CLOSED(false, true, true),

	/**
	 * {@link BufferedConnection#closeAfterFlush()} was called while output was queued. Reading
	 * has stopped and the handler is not called again; the connection is freed once the
	 * output is flushed, and at once on an I/O failure or when the write or idle timeout runs
	 * out.
	 */
	CLOSING(false, true, false),

	/**
	 * Reading or writing failed and {@link ConnectionEvent#ERROR} fired on entering. Nothing
	 * is read or written, and nothing fires, until the connection is closed.
	 */
	ERRORED(false, false, false),

	/**
	 * Closed: the channel is closed, the buffers are back in the pool and the close hooks
	 * have run. Nothing happens any more.
	 */
	FREED(false, false, false);

	private final boolean reads;

	private final boolean writes;

	private final boolean notifies;

	ConnectionState(boolean reads, boolean writes, boolean notifies) {
		this.reads = reads;
		this.writes = writes;
		this.notifies = notifies;
	}

	/**
	 * Return whether the socket is read in this state, when reading is enabled and the input
	 * is below the read high watermark.
	 * @return {@code true} only while {@link #OPEN}
	 */
	boolean reads() {
		return this.reads;
	}

	/**
	 * Return whether queued output is written in this state, when writing is enabled; bytes
	 * can move, so the idle timeout runs.
	 * @return {@code false} once {@link #ERRORED} or {@link #FREED}
	 */
	boolean writes() {
		return this.writes;
	}

	/**
	 * Return whether the handler hears of what happens in this state: output that drained
	 * ({@link BufferedHandler#onWrite}), the end of the stream and timeouts.
	 * @return {@code false} once {@link #CLOSING}, {@link #ERRORED} or {@link #FREED}
	 */
	boolean notifies() {
		return this.notifies;
	}

	/**
	 * Return whether something waits for the output to be flushed in this state.
	 * @return {@code true} if {@link #EOF_PENDING} or {@link #CLOSING}
	 */
	boolean awaitsFlush() {
		return this == EOF_PENDING || this == CLOSING;
	}

}
