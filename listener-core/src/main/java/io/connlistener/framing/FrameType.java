package io.connlistener.framing;

/**
 * How a stream of bytes is cut into frames.
 */
public enum FrameType {

	/**
	 * A line ended by {@code \n}; the payload is the line without {@code \n} or {@code \r\n}.
	 * Encoded with {@code \r\n}.
	 */
	LINE,

	/**
	 * Bytes ended by a {@linkplain FramingSettings#delimiter() byte sequence}, which is not part
	 * of the payload.
	 */
	DELIMITER,

	/**
	 * A {@linkplain FramingSettings#lengthField() length field} that gives the number of bytes
	 * that follow it.
	 */
	LENGTH_FIELD,

	/**
	 * {@code 0x02}, the payload, then {@code 0x03}.
	 */
	STX_ETX,

	/**
	 * Records of {@linkplain FramingSettings#recordSize() one size}.
	 */
	FIXED,

	/**
	 * Whatever one read gives, up to the maximum frame size: no framing at all.
	 */
	RAW

}
