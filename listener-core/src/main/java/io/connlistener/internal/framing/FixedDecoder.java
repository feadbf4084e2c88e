package io.connlistener.internal.framing;

import java.nio.ByteBuffer;

import io.connlistener.buffer.ConnectionBuffer;
import io.connlistener.framing.FrameDecoder;
import io.connlistener.framing.FrameType;

/**
 * Decodes {@link FrameType#FIXED} records, all of one size.
 * <p>
 * Loop thread only; keeps no state.
 */
public final class FixedDecoder implements FrameDecoder {

	private final int recordSize;

	/**
	 * Create a decoder.
	 * @param recordSize the size of a record, within the limit
	 */
	public FixedDecoder(int recordSize) {
		this.recordSize = recordSize;
	}

	@Override
	public ByteBuffer next(ConnectionBuffer input) {
		return (input.readableBytes() >= this.recordSize) ? Frames.take(input, this.recordSize, 0) : null;
	}

	@Override
	public boolean frameStarted(ConnectionBuffer input) {
		return !input.isEmpty();
	}

}
