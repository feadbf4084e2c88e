package io.connlistener.internal.framing;

import java.nio.ByteBuffer;

import io.connlistener.buffer.ConnectionBuffer;
import io.connlistener.framing.FrameDecoder;
import io.connlistener.framing.FrameTooLargeException;
import io.connlistener.framing.FrameType;

/**
 * Decodes {@link FrameType#DELIMITER} frames: the payload is what precedes the first
 * occurrence of the delimiter, which is dropped.
 * <p>
 * Loop thread only. Remembers where the first place the delimiter may still start is, so a
 * frame that trickles in is scanned once.
 */
public final class DelimiterDecoder implements FrameDecoder {

	private final byte[] delimiter;

	private final int maxFrameSize;

	/** The first index where the delimiter may still start. */
	private int scanned;

	/**
	 * Create a decoder.
	 * @param delimiter the delimiter, at least one byte; not copied
	 * @param maxFrameSize the most payload bytes a frame may carry
	 */
	public DelimiterDecoder(byte[] delimiter, int maxFrameSize) {
		this.delimiter = delimiter;
		this.maxFrameSize = maxFrameSize;
	}

	@Override
	public ByteBuffer next(ConnectionBuffer input) throws FrameTooLargeException {
		int readable = input.readableBytes();
		if (this.scanned > readable) {
			this.scanned = 0;
		}
		// The delimiter of a frame within the limit starts at maxFrameSize at the latest.
		int lastStart = this.maxFrameSize;
		byte first = this.delimiter[0];
		while (true) {
			int start = input.indexOf(first, this.scanned, (int) Math.min(readable, lastStart + 1L));
			if (start < 0) {
				this.scanned = (int) Math.min(readable, lastStart + 1L);
				if (this.scanned > lastStart) {
					throw new FrameTooLargeException(-1, this.maxFrameSize);
				}
				return null;
			}
			if (readable - start < this.delimiter.length) {
				this.scanned = start;
				return null;
			}
			if (matches(input, start)) {
				this.scanned = 0;
				return Frames.take(input, start, this.delimiter.length);
			}
			this.scanned = start + 1;
		}
	}

	private boolean matches(ConnectionBuffer input, int start) {
		for (int i = 1; i < this.delimiter.length; i++) {
			if (input.getByte(start + i) != this.delimiter[i]) {
				return false;
			}
		}
		return true;
	}

	@Override
	public boolean frameStarted(ConnectionBuffer input) {
		return !input.isEmpty();
	}

}
