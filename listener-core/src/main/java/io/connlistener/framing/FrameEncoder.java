package io.connlistener.framing;

import java.nio.ByteBuffer;

import io.connlistener.buffer.ConnectionBuffer;

/**
 * Frames payloads into a {@link ConnectionBuffer}. Stateless: one encoder may serve any number
 * of connections and threads, each with its own output.
 */
public interface FrameEncoder {

	/**
	 * Append the framed payload to the output: a line with {@code \r\n}, the payload and the
	 * delimiter, {@code 0x02} payload {@code 0x03}, the length field and the payload (or, for a
	 * length field that is not stripped, the payload as is once its field agrees with its
	 * length), a record of exactly the record size, or a raw payload as is. The payload's
	 * position does not move.
	 * @param payload the payload
	 * @param output where to append the frame
	 * @throws IllegalArgumentException if the payload cannot be framed: it holds the delimiter
	 * (which would end the frame early), a record is not of the record size, or a length does
	 * not fit the field
	 */
	void encode(ByteBuffer payload, ConnectionBuffer output);

}
