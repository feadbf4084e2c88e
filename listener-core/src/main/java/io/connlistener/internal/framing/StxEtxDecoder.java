package io.connlistener.internal.framing;

import java.nio.ByteBuffer;

import io.connlistener.buffer.ConnectionBuffer;
import io.connlistener.framing.FrameDecoder;
import io.connlistener.framing.FrameTooLargeException;
import io.connlistener.framing.FrameType;
import io.connlistener.framing.MalformedFrameException;

/**
 * Decodes {@link FrameType#STX_ETX} frames: {@code 0x02}, the payload, then {@code 0x03}.
 * <p>
 * Loop thread only. Remembers how far it searched for the ETX, so a frame that trickles in is
 * scanned once.
 */
public final class StxEtxDecoder implements FrameDecoder {

	static final byte STX = 0x02;

	static final byte ETX = 0x03;

	private final int maxFrameSize;

	/** The longest frame: STX, the payload's limit and ETX. */
	private final int maxFrameLength;

	/** How many bytes from the front are known to hold no ETX; 0 before the STX was checked. */
	private int scanned;

	/**
	 * Create a decoder.
	 * @param maxFrameSize the most payload bytes a frame may carry
	 */
	public StxEtxDecoder(int maxFrameSize) {
		this.maxFrameSize = maxFrameSize;
		this.maxFrameLength = (int) Math.min(Integer.MAX_VALUE, maxFrameSize + 2L);
	}

	@Override
	public ByteBuffer next(ConnectionBuffer input) throws FrameTooLargeException, MalformedFrameException {
		int readable = input.readableBytes();
		if (readable == 0) {
			return null;
		}
		if (this.scanned == 0 || this.scanned > readable) {
			byte first = input.getByte(0);
			if (first != STX) {
				throw new MalformedFrameException(
						"Frame starts with 0x" + Integer.toHexString(first & 0xff) + " instead of STX (0x02)");
			}
			this.scanned = 1;
		}
		int end = input.indexOf(ETX, this.scanned, this.maxFrameLength);
		if (end < 0) {
			this.scanned = Math.min(readable, this.maxFrameLength);
			if (readable >= this.maxFrameLength) {
				throw new FrameTooLargeException(-1, this.maxFrameSize);
			}
			return null;
		}
		this.scanned = 0;
		input.drain(1);
		return Frames.take(input, end - 1, 1);
	}

	@Override
	public boolean frameStarted(ConnectionBuffer input) {
		return !input.isEmpty();
	}

}
