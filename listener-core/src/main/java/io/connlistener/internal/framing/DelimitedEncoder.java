package io.connlistener.internal.framing;

import java.nio.ByteBuffer;
import java.util.Objects;

import io.connlistener.buffer.ConnectionBuffer;
import io.connlistener.framing.FrameEncoder;
import io.connlistener.framing.FrameType;

/**
 * Encodes frames that end with a delimiter: {@link FrameType#LINE} ({@code \r\n}),
 * {@link FrameType#DELIMITER} and {@link FrameType#STX_ETX} (which also starts with STX). A
 * payload in which the decoder would find the end of the frame early is refused.
 * <p>
 * Stateless and thread-safe.
 */
public final class DelimitedEncoder implements FrameEncoder {

	private static final byte[] NONE = {};

	private final byte[] prefix;

	private final byte[] suffix;

	/** What the decoder looks for: the frame's first occurrence must be where the suffix ends. */
	private final byte[] end;

	private DelimitedEncoder(byte[] prefix, byte[] suffix, byte[] end) {
		this.prefix = prefix;
		this.suffix = suffix;
		this.end = end;
	}

	/**
	 * Return an encoder of lines ended by {@code \r\n}.
	 * @return the encoder
	 */
	public static DelimitedEncoder line() {
		return new DelimitedEncoder(NONE, new byte[] { '\r', '\n' }, new byte[] { '\n' });
	}

	/**
	 * Return an encoder of frames ended by a delimiter.
	 * @param delimiter the delimiter; not copied
	 * @return the encoder
	 */
	public static DelimitedEncoder delimiter(byte[] delimiter) {
		return new DelimitedEncoder(NONE, delimiter, delimiter);
	}

	/**
	 * Return an encoder of STX/ETX frames.
	 * @return the encoder
	 */
	public static DelimitedEncoder stxEtx() {
		return new DelimitedEncoder(new byte[] { StxEtxDecoder.STX }, new byte[] { StxEtxDecoder.ETX },
				new byte[] { StxEtxDecoder.ETX });
	}

	@Override
	public void encode(ByteBuffer payload, ConnectionBuffer output) {
		Objects.requireNonNull(payload, "'payload' must not be null");
		Objects.requireNonNull(output, "'output' must not be null");
		int endsAt = firstEnd(payload);
		if (endsAt != payload.remaining()) {
			throw new IllegalArgumentException("The payload holds the end of its frame at index " + endsAt);
		}
		if (this.prefix.length > 0) {
			output.add(this.prefix);
		}
		RawEncoder.append(payload, output);
		output.add(this.suffix);
	}

	/**
	 * Return where the decoder would see the frame end in the payload followed by the suffix.
	 */
	private int firstEnd(ByteBuffer payload) {
		int length = payload.remaining();
		int base = payload.position();
		byte first = this.end[0];
		for (int i = 0; i < length; i++) {
			if (payload.get(base + i) == first && matchesAt(payload, base, length, i)) {
				return i;
			}
		}
		return length;
	}

	private boolean matchesAt(ByteBuffer payload, int base, int length, int start) {
		for (int k = 1; k < this.end.length; k++) {
			int index = start + k;
			byte value = (index < length) ? payload.get(base + index) : this.suffix[index - length];
			if (value != this.end[k]) {
				return false;
			}
		}
		return true;
	}

}
