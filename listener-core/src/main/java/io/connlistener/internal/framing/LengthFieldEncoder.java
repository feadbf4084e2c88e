package io.connlistener.internal.framing;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.Objects;

import io.connlistener.buffer.ConnectionBuffer;
import io.connlistener.framing.FrameEncoder;
import io.connlistener.framing.FrameType;
import io.connlistener.framing.LengthField;

/**
 * Encodes {@link FrameType#LENGTH_FIELD} frames. With a stripped field, writes the bytes
 * before the field as zeros, the field, then the payload; otherwise the payload is a whole
 * frame, written as is once its field agrees with its length.
 * <p>
 * Stateless and thread-safe.
 */
public final class LengthFieldEncoder implements FrameEncoder {

	private final LengthField field;

	private final int headerLength;

	/**
	 * Create an encoder.
	 * @param field the length field
	 */
	public LengthFieldEncoder(LengthField field) {
		this.field = field;
		this.headerLength = field.headerLength();
	}

	@Override
	public void encode(ByteBuffer payload, ConnectionBuffer output) {
		Objects.requireNonNull(payload, "'payload' must not be null");
		Objects.requireNonNull(output, "'output' must not be null");
		int length = payload.remaining();
		if (this.field.strip()) {
			long value = (long) length - this.field.adjustment();
			checkFits(value);
			byte[] header = new byte[this.headerLength];
			writeField(header, value);
			output.add(header);
		}
		else {
			if (length < this.headerLength) {
				throw new IllegalArgumentException(
						"A frame of " + length + " bytes is shorter than its header of " + this.headerLength);
			}
			long value = readField(payload);
			long expected = (long) length - this.headerLength - this.field.adjustment();
			if (value != expected) {
				throw new IllegalArgumentException("The frame's length field holds " + value + " but its length needs "
						+ expected);
			}
		}
		RawEncoder.append(payload, output);
	}

	private void checkFits(long value) {
		int size = this.field.size();
		long max = (size == 8) ? Long.MAX_VALUE : (1L << (8 * size)) - 1;
		if (value < 0 || value > max) {
			throw new IllegalArgumentException(
					"A length of " + value + " does not fit a " + size + "-byte length field");
		}
	}

	private void writeField(byte[] header, long value) {
		int size = this.field.size();
		boolean bigEndian = this.field.order() == ByteOrder.BIG_ENDIAN;
		for (int i = 0; i < size; i++) {
			int shift = bigEndian ? 8 * (size - 1 - i) : 8 * i;
			header[this.field.offset() + i] = (byte) (value >>> shift);
		}
	}

	private long readField(ByteBuffer frame) {
		int size = this.field.size();
		int start = frame.position() + this.field.offset();
		boolean bigEndian = this.field.order() == ByteOrder.BIG_ENDIAN;
		long value = 0;
		for (int i = 0; i < size; i++) {
			long octet = frame.get(start + i) & 0xffL;
			value |= bigEndian ? octet << (8 * (size - 1 - i)) : octet << (8 * i);
		}
		return value;
	}

}
