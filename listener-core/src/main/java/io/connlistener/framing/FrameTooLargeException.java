package io.connlistener.framing;

import java.io.IOException;

/**
 * Thrown by a {@link FrameDecoder} as soon as the frame in progress is known to exceed the
 * maximum frame size, before anything is allocated for it.
 */
public final class FrameTooLargeException extends IOException {

	private final long claimedSize;

	private final int maxFrameSize;

	/**
	 * Create an exception.
	 * @param claimedSize the size a length field claimed, or -1 when the frame has no end in
	 * sight
	 * @param maxFrameSize the limit it exceeds
	 */
	public FrameTooLargeException(long claimedSize, int maxFrameSize) {
		super(((claimedSize >= 0) ? "Frame of " + claimedSize + " bytes" : "Frame with no end within the limit")
				+ " exceeds the maximum frame size of " + maxFrameSize + " bytes");
		this.claimedSize = claimedSize;
		this.maxFrameSize = maxFrameSize;
	}

	/**
	 * Return the payload size the frame's length field claimed.
	 * @return the size, or -1 when unknown: a frame without its end within the limit, or an
	 * 8-byte length beyond {@code Long.MAX_VALUE}
	 */
	public long claimedSize() {
		return this.claimedSize;
	}

	/**
	 * Return the maximum frame size the frame exceeds.
	 * @return the limit in bytes
	 */
	public int maxFrameSize() {
		return this.maxFrameSize;
	}

}
