package io.connlistener.internal.framing;

import java.nio.ByteBuffer;

import io.connlistener.buffer.ConnectionBuffer;
import io.connlistener.framing.FrameDecoder;
import io.connlistener.framing.FrameType;

/**
 * Decodes {@link FrameType#RAW} frames: whatever the input holds, up to the limit. Never
 * fails, and a frame is never in progress.
 * <p>
 * Loop thread only; keeps no state.
 */
public final class RawDecoder implements FrameDecoder {

	private final int maxFrameSize;

	/**
	 * Create a decoder.
	 * @param maxFrameSize the most bytes one frame carries
	 */
	public RawDecoder(int maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
	}

	@Override
	public ByteBuffer next(ConnectionBuffer input) {
		int readable = input.readableBytes();
		return (readable > 0) ? Frames.take(input, Math.min(readable, this.maxFrameSize), 0) : null;
	}

	@Override
	public boolean frameStarted(ConnectionBuffer input) {
		return false;
	}

}
