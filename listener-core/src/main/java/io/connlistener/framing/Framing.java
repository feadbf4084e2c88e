package io.connlistener.framing;

import java.util.Objects;

import io.connlistener.internal.framing.DelimitedEncoder;
import io.connlistener.internal.framing.DelimiterDecoder;
import io.connlistener.internal.framing.FixedDecoder;
import io.connlistener.internal.framing.FixedEncoder;
import io.connlistener.internal.framing.LengthFieldDecoder;
import io.connlistener.internal.framing.LengthFieldEncoder;
import io.connlistener.internal.framing.LineDecoder;
import io.connlistener.internal.framing.RawDecoder;
import io.connlistener.internal.framing.RawEncoder;
import io.connlistener.internal.framing.StxEtxDecoder;

/**
 * Makes the {@link FrameDecoder} and {@link FrameEncoder} of {@link FramingSettings}.
 */
public final class Framing {

	private Framing() {
	}

	/**
	 * Return a new decoder: one per connection, since a decoder remembers how far it got.
	 * @param settings the framing
	 * @return the decoder
	 */
	public static FrameDecoder decoder(FramingSettings settings) {
		Objects.requireNonNull(settings, "'settings' must not be null");
		int max = settings.maxFrameSize();
		return switch (settings.type()) {
			case LINE -> new LineDecoder(max);
			case DELIMITER -> new DelimiterDecoder(settings.delimiter(), max);
			case LENGTH_FIELD -> new LengthFieldDecoder(settings.lengthField(), max);
			case STX_ETX -> new StxEtxDecoder(max);
			case FIXED -> new FixedDecoder(settings.recordSize());
			case RAW -> new RawDecoder(max);
		};
	}

	/**
	 * Return an encoder. Encoders are stateless: one may serve every connection.
	 * @param settings the framing
	 * @return the encoder
	 */
	public static FrameEncoder encoder(FramingSettings settings) {
		Objects.requireNonNull(settings, "'settings' must not be null");
		return switch (settings.type()) {
			case LINE -> DelimitedEncoder.line();
			case DELIMITER -> DelimitedEncoder.delimiter(settings.delimiter());
			case LENGTH_FIELD -> new LengthFieldEncoder(settings.lengthField());
			case STX_ETX -> DelimitedEncoder.stxEtx();
			case FIXED -> new FixedEncoder(settings.recordSize());
			case RAW -> new RawEncoder();
		};
	}

}
