package io.connlistener.framing;

import java.nio.ByteOrder;
import java.util.Objects;

/**
 * Where a {@link FrameType#LENGTH_FIELD length-field} frame keeps its length, and what the
 * length counts. The field, unsigned when 1, 2 or 4 bytes long, lies {@code offset} bytes
 * into the frame; its value plus {@code adjustment} is the number of bytes that follow it.
 *
 * @param size the field's size in bytes: 1, 2, 4 or 8
 * @param offset how many bytes of the frame precede the field
 * @param adjustment what to add to the field's value to get the number of bytes that follow
 * it; negative when the value counts the field itself, for instance
 * @param strip whether the payload is only what follows the field (the bytes before the field
 * and the field itself are dropped) rather than the whole frame
 * @param order the byte order of the field
 */
public record LengthField(int size, int offset, int adjustment, boolean strip, ByteOrder order) {

	/**
	 * A 4-byte big-endian length at the start of the frame that counts the payload, stripped.
	 */
	public static final LengthField DEFAULT = new LengthField(4, 0, 0, true, ByteOrder.BIG_ENDIAN);

	/**
	 * Check the field.
	 */
	public LengthField {
		if (size != 1 && size != 2 && size != 4 && size != 8) {
			throw new IllegalArgumentException("'size' must be 1, 2, 4 or 8, not " + size);
		}
		if (offset < 0) {
			throw new IllegalArgumentException("'offset' must not be negative, not " + offset);
		}
		Objects.requireNonNull(order, "'order' must not be null");
	}

	/**
	 * Return how many bytes of a frame precede its payload's length: the offset and the field.
	 * @return {@code offset + size}
	 */
	public int headerLength() {
		return this.offset + this.size;
	}

}
