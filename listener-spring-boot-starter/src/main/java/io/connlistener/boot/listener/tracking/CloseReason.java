package io.connlistener.boot.listener.tracking;

/**
 * Why a connection a managed listener served was closed: recorded once, by whoever closes
 * it first, and counted once, when the connection is released.
 */
public enum CloseReason {

	/**
	 * Closed by its handler or its peer, the ordinary end.
	 */
	CLOSED(null),

	/**
	 * Reading from or writing to it failed, as when the peer resets it: the peer's doing.
	 */
	PEER_FAILED(null),

	/**
	 * Its handler threw.
	 */
	HANDLER_FAILED("handler-failed"),

	/**
	 * No handler thread was free to serve it.
	 */
	NO_HANDLER_THREAD("no-handler-thread"),

	/**
	 * Nothing moved either way for the idle timeout.
	 */
	IDLE_TIMEOUT("idle-timeout"),

	/**
	 * Its output made no progress for the write timeout.
	 */
	WRITE_TIMEOUT("write-timeout"),

	/**
	 * Its peer sent or claimed a frame larger than {@code framing.max-frame-size}.
	 */
	FRAME_TOO_LARGE("frame-too-large"),

	/**
	 * A frame it began did not arrive whole within {@code framing.frame-timeout}.
	 */
	FRAME_TIMEOUT("frame-timeout"),

	/**
	 * Its peer sent bytes that its framing cannot read, such as a frame of type
	 * {@code stx-etx} that does not start with STX.
	 */
	MALFORMED_FRAME("malformed-frame"),

	/**
	 * Closed by an operator, through the {@code connlisteners} endpoint or the
	 * {@code ConnectionRegistry}.
	 */
	CLOSED_BY_OPERATOR("closed-by-operator"),

	/**
	 * Still open when the shutdown grace period ended.
	 */
	SHUTDOWN("shutdown");

	private final String tag;

	CloseReason(String tag) {
		this.tag = tag;
	}

	/**
	 * Return the reason's name among the listener's rejections, as the endpoint and the
	 * {@code conn.listener.rejections} meter show it.
	 * @return the tag, or {@code null} for an ordinary close, which is no rejection
	 */
	public String tag() {
		return this.tag;
	}

	/**
	 * Return whether the connection was closed by the listener rather than by its handler
	 * or peer, so that a failure its handler sees afterwards is no failure of the handler.
	 * @return {@code true} for a timeout, the shutdown, an operator's close, no handler
	 * thread, or a frame the framing refused
	 */
	public boolean isListenersDoing() {
		return this == IDLE_TIMEOUT || this == WRITE_TIMEOUT || this == SHUTDOWN || this == CLOSED_BY_OPERATOR
				|| this == NO_HANDLER_THREAD || this == FRAME_TOO_LARGE || this == FRAME_TIMEOUT
				|| this == MALFORMED_FRAME;
	}

}
