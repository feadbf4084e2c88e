package io.connlistener.internal.framing;

import java.nio.ByteBuffer;

import io.connlistener.buffer.ConnectionBuffer;

/**
 * Takes a checked frame out of the input: the one allocation of a decoded frame.
 */
final class Frames {

	private Frames() {
	}

	/**
	 * Remove a payload from the front of the input, then the bytes that end its frame.
	 * @param input the input, holding at least {@code length + trailer} bytes
	 * @param length the payload's length, already checked against the limit
	 * @param trailer how many bytes after the payload to drop
	 * @return a heap buffer of exactly the payload, at position 0
	 */
	static ByteBuffer take(ConnectionBuffer input, int length, int trailer) {
		ByteBuffer frame = ByteBuffer.allocate(length);
		input.read(frame);
		if (trailer > 0) {
			input.drain(trailer);
		}
		return frame.flip();
	}

}
