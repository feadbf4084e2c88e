package io.connlistener.internal.framing;

import java.nio.ByteBuffer;
import java.util.Objects;

import io.connlistener.buffer.ConnectionBuffer;
import io.connlistener.framing.FrameEncoder;
import io.connlistener.framing.FrameType;

/**
 * Encodes {@link FrameType#FIXED} records: a payload of exactly the record size, as is.
 * <p>
 * Stateless and thread-safe.
 */
public final class FixedEncoder implements FrameEncoder {

	private final int recordSize;

	/**
	 * Create an encoder.
	 * @param recordSize the size of a record
	 */
	public FixedEncoder(int recordSize) {
		this.recordSize = recordSize;
	}

	@Override
	public void encode(ByteBuffer payload, ConnectionBuffer output) {
		Objects.requireNonNull(payload, "'payload' must not be null");
		Objects.requireNonNull(output, "'output' must not be null");
		if (payload.remaining() != this.recordSize) {
			throw new IllegalArgumentException(
					"A record must be " + this.recordSize + " bytes, not " + payload.remaining());
		}
		RawEncoder.append(payload, output);
	}

}
