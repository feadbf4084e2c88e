package io.connlistener.internal.framing;

import java.nio.ByteBuffer;

import io.connlistener.buffer.ConnectionBuffer;
import io.connlistener.framing.FrameDecoder;
import io.connlistener.framing.FrameTooLargeException;
import io.connlistener.framing.FrameType;

/**
 * Decodes {@link FrameType#LINE} frames: a line ends at {@code \n}, and the payload is the
 * line without {@code \n} or {@code \r\n}; a lone {@code \r} stays in it.
 * <p>
 * Loop thread only. Remembers how far it searched, so a line that trickles in is scanned
 * once.
 */
public final class LineDecoder implements FrameDecoder {

	private static final byte CR = '\r';

	private static final byte LF = '\n';

	private final int maxFrameSize;

	/** The longest line with its end: the payload's limit and {@code \r\n}. */
	private final int maxLineLength;

	/** How many bytes from the front are known to hold no {@code \n}. */
	private int scanned;

	/**
	 * Create a decoder.
	 * @param maxFrameSize the most payload bytes a line may carry
	 */
	public LineDecoder(int maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
		this.maxLineLength = (int) Math.min(Integer.MAX_VALUE, maxFrameSize + 2L);
	}

	@Override
	public ByteBuffer next(ConnectionBuffer input) throws FrameTooLargeException {
		int readable = input.readableBytes();
		if (this.scanned > readable) {
			this.scanned = 0;
		}
		int end = input.indexOf(LF, this.scanned, this.maxLineLength);
		if (end < 0) {
			this.scanned = Math.min(readable, this.maxLineLength);
			// The line is too long once the bytes after the limit are neither \n nor \r\n.
			if (readable >= this.maxLineLength
					|| (readable > this.maxFrameSize && input.getByte(this.maxFrameSize) != CR)) {
				throw new FrameTooLargeException(-1, this.maxFrameSize);
			}
			return null;
		}
		int length = (end > 0 && input.getByte(end - 1) == CR) ? end - 1 : end;
		if (length > this.maxFrameSize) {
			throw new FrameTooLargeException(-1, this.maxFrameSize);
		}
		this.scanned = 0;
		return Frames.take(input, length, end + 1 - length);
	}

	@Override
	public boolean frameStarted(ConnectionBuffer input) {
		return !input.isEmpty();
	}

}
