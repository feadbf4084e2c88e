package io.connlistener.internal.framing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;

import io.connlistener.buffer.ConnectionBuffer;
import io.connlistener.framing.FrameDecoder;
import io.connlistener.framing.FrameTooLargeException;
import io.connlistener.framing.FrameType;
import io.connlistener.framing.LengthField;
import io.connlistener.framing.MalformedFrameException;

/**
 * Decodes {@link FrameType#LENGTH_FIELD} frames. The length is checked against the limit as
 * soon as the field has arrived, before a byte of the payload is waited for or allocated.
 * <p>
 * Loop thread only; keeps no state between frames.
 */
public final class LengthFieldDecoder implements FrameDecoder {

	/** Far above any int limit, far below overflow when the adjustment is added. */
	private static final long IMPLAUSIBLE_LENGTH = 1L << 40;

	private final LengthField field;

	private final int headerLength;

	private final int maxFrameSize;

	/**
	 * Create a decoder.
	 * @param field the length field
	 * @param maxFrameSize the most payload bytes a frame may carry
	 */
	public LengthFieldDecoder(LengthField field, int maxFrameSize) {
		this.field = field;
		this.headerLength = field.headerLength();
		this.maxFrameSize = maxFrameSize;
	}

	@Override
	public ByteBuffer next(ConnectionBuffer input) throws FrameTooLargeException, MalformedFrameException {
		int readable = input.readableBytes();
		if (readable < this.headerLength) {
			return null;
		}
		long value = readField(input);
		if (value < 0) {
			// An 8-byte field beyond Long.MAX_VALUE.
			throw new FrameTooLargeException(-1, this.maxFrameSize);
		}
		if (value > IMPLAUSIBLE_LENGTH) {
			throw new FrameTooLargeException(value, this.maxFrameSize);
		}
		long following = value + this.field.adjustment();
		if (following < 0) {
			throw new MalformedFrameException("Length field of " + value + " with an adjustment of "
					+ this.field.adjustment() + " gives a negative length");
		}
		long payload = this.field.strip() ? following : this.headerLength + following;
		if (payload > this.maxFrameSize) {
			throw new FrameTooLargeException(payload, this.maxFrameSize);
		}
		if (readable - this.headerLength < following) {
			return null;
		}
		if (this.field.strip()) {
			input.drain(this.headerLength);
		}
		return Frames.take(input, (int) payload, 0);
	}

	private long readField(ConnectionBuffer input) {
		int offset = this.field.offset();
		int size = this.field.size();
		boolean bigEndian = this.field.order() == ByteOrder.BIG_ENDIAN;
		long value = 0;
		for (int i = 0; i < size; i++) {
			long octet = input.getByte(offset + i) & 0xffL;
			value |= bigEndian ? octet << (8 * (size - 1 - i)) : octet << (8 * i);
		}
		return value;
	}

	@Override
	public boolean frameStarted(ConnectionBuffer input) {
		return !input.isEmpty();
	}

}
