package io.connlistener.buffer;

/**
 * Something other than data that happened to a {@link BufferedConnection}, passed to
 * {@link BufferedHandler#onEvent}: libevent's {@code BEV_EVENT_*} flags.
 * <p>
 * {@link #EOF} and {@link #ERROR} fire at most once per connection, and nothing fires after
 * {@link #ERROR}. A read or write timeout fires once each time its timer runs out and
 * disables the direction it concerns, as libevent does; enabling that direction again rearms
 * it. An idle timeout disables nothing and fires again after each further idle timeout
 * without progress, until the connection is closed.
 */
public enum ConnectionEvent {

	/**
	 * The peer closed its side (libevent's {@code BEV_EVENT_EOF}). Reading has stopped. Fires
	 * once the bytes read before it were handed to {@link BufferedHandler#onRead} and the
	 * output buffered so far has been flushed, so a half-closing peer still gets its answer.
	 */
	EOF,

	/**
	 * Reading or writing failed, for instance because the peer reset the connection
	 * (libevent's {@code BEV_EVENT_ERROR}). Reading and writing have stopped for good, and
	 * {@link BufferedConnection#error()} tells why; the handler should close the connection,
	 * as the default {@link BufferedHandler#onEvent} does.
	 */
	ERROR,

	/**
	 * Nothing arrived for the read timeout while reading was enabled (libevent's
	 * {@code BEV_EVENT_READING | BEV_EVENT_TIMEOUT}), not even when a read was tried as the
	 * timeout ran out. Reading is now disabled.
	 */
	READ_TIMEOUT,

	/**
	 * Buffered output made no progress for the write timeout (libevent's
	 * {@code BEV_EVENT_WRITING | BEV_EVENT_TIMEOUT}): the socket took no byte, even when
	 * tried as the timeout ran out. Also told when the idle timeout finds output stuck and
	 * the write timeout is no longer than it. Writing is now disabled.
	 */
	WRITE_TIMEOUT,

	/**
	 * Nothing was read or written for the idle timeout, whatever paused reading or writing:
	 * the handler, the watermarks, or a peer that neither sends nor reads. A read and a write
	 * were tried first, in the directions enabled. Nothing is disabled.
	 */
	IDLE_TIMEOUT

}
