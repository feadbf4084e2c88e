package io.connlistener.framing;

import java.nio.ByteBuffer;

import io.connlistener.buffer.ConnectionBuffer;

/**
 * Cuts the bytes of a {@link ConnectionBuffer} into frames, as they arrive.
 * <p>
 * Stateful: one per connection, used on its loop thread only, and the only consumer of the
 * input it decodes. A decoder remembers how far it searched a frame that is not complete yet,
 * so that a frame trickling in is scanned once, and allocates nothing but the payloads it
 * returns.
 */
public interface FrameDecoder {

	/**
	 * Remove the next complete frame from the input and return its payload.
	 * @param input the bytes received so far
	 * @return a heap buffer of exactly the payload's size, at position 0, allocated only after
	 * its length was checked against the maximum frame size; or {@code null} while no frame is
	 * complete
	 * @throws FrameTooLargeException as soon as the frame in progress is known to exceed the
	 * maximum frame size: at once for a length field that claims more, before reading further;
	 * for a line, delimiter or STX/ETX frame when the maximum frame size plus the delimiter
	 * arrived without the end
	 * @throws MalformedFrameException if the bytes break the framing's rules
	 */
	ByteBuffer next(ConnectionBuffer input) throws FrameTooLargeException, MalformedFrameException;

	/**
	 * Return whether the input holds the start of a frame that is not complete yet: what the
	 * frame timeout measures.
	 * @param input the bytes received so far
	 * @return {@code true} if a frame has started
	 */
	boolean frameStarted(ConnectionBuffer input);

}
