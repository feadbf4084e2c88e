package io.connlistener.internal.framing;

import java.nio.ByteBuffer;
import java.util.Objects;

import io.connlistener.buffer.ConnectionBuffer;
import io.connlistener.framing.FrameEncoder;
import io.connlistener.framing.FrameType;

/**
 * Encodes {@link FrameType#RAW} frames: the payload as is.
 * <p>
 * Stateless and thread-safe.
 */
public final class RawEncoder implements FrameEncoder {

	@Override
	public void encode(ByteBuffer payload, ConnectionBuffer output) {
		Objects.requireNonNull(payload, "'payload' must not be null");
		Objects.requireNonNull(output, "'output' must not be null");
		append(payload, output);
	}

	/**
	 * Append the payload without moving its position.
	 * @param payload the bytes
	 * @param output where to append them
	 */
	static void append(ByteBuffer payload, ConnectionBuffer output) {
		int position = payload.position();
		output.add(payload);
		payload.position(position);
	}

}
