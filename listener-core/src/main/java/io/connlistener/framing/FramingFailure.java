package io.connlistener.framing;

/**
 * Why framing ended a connection.
 */
public enum FramingFailure {

	/**
	 * A frame was longer than the maximum frame size, or claimed to be.
	 */
	FRAME_TOO_LARGE("frame-too-large"),

	/**
	 * A started frame did not complete within the frame timeout.
	 */
	FRAME_TIMEOUT("frame-timeout"),

	/**
	 * The bytes broke the framing's rules: no STX where a frame starts, a negative length.
	 */
	MALFORMED_FRAME("malformed-frame");

	private final String reason;

	FramingFailure(String reason) {
		this.reason = reason;
	}

	/**
	 * Return the failure's name as counted and logged: {@code frame-too-large},
	 * {@code frame-timeout} or {@code malformed-frame}.
	 * @return the reason
	 */
	public String reason() {
		return this.reason;
	}

}
