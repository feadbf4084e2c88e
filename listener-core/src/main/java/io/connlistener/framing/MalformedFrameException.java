package io.connlistener.framing;

import java.io.IOException;

/**
 * Thrown by a {@link FrameDecoder} when the bytes break the framing's rules: a byte other than
 * STX where an {@link FrameType#STX_ETX STX/ETX} frame starts, or a length field whose value
 * and adjustment give a negative length.
 */
public final class MalformedFrameException extends IOException {

	/**
	 * Create an exception.
	 * @param message what was wrong
	 */
	public MalformedFrameException(String message) {
		super(message);
	}

}
