package io.connlistener.framing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.util.ArrayList;
import java.util.List;
import java.util.Random;
import java.util.stream.Stream;

import io.connlistener.buffer.ConnectionBuffer;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.Arguments;
import org.junit.jupiter.params.provider.MethodSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Round trips of random frames through each type's {@link FrameEncoder} and
 * {@link FrameDecoder}, the encoded stream cut at random points as reads would cut it.
 */
class FramingRoundTripTests {

	private static final int FRAMES = 5_000;

	private static final int MAX_FRAME_SIZE = 300;

	static Stream<Arguments> framings() {
		FramingSettings.Builder delimiter = FramingSettings.builder(FrameType.DELIMITER)
			.delimiter(new byte[] { 'a', 'b', 'a' });
		return Stream.of(Arguments.of("line", FramingSettings.builder(FrameType.LINE), alphabet('\r', '\n', 'x')),
				Arguments.of("delimiter aba", delimiter, alphabet('a', 'b', 'x')),
				Arguments.of("stx-etx", FramingSettings.builder(FrameType.STX_ETX), alphabet(0x02, 0x03, 'x')),
				Arguments.of("length-field 4 big-endian", FramingSettings.builder(FrameType.LENGTH_FIELD), null),
				Arguments.of("length-field 2 little-endian, offset 3, counts itself",
						FramingSettings.builder(FrameType.LENGTH_FIELD)
							.lengthField(new LengthField(2, 3, -2, true, ByteOrder.LITTLE_ENDIAN)),
						null),
				Arguments.of("length-field 1, not stripped", FramingSettings.builder(FrameType.LENGTH_FIELD)
					.lengthField(new LengthField(1, 0, 0, false, ByteOrder.BIG_ENDIAN))
					.maxFrameSize(256), null),
				Arguments.of("length-field 8", FramingSettings.builder(FrameType.LENGTH_FIELD)
					.lengthField(new LengthField(8, 0, 0, true, ByteOrder.BIG_ENDIAN)), null),
				Arguments.of("fixed", FramingSettings.builder(FrameType.FIXED).recordSize(37), null),
				Arguments.of("raw", FramingSettings.builder(FrameType.RAW), null));
	}

	@ParameterizedTest(name = "{0}")
	@MethodSource("framings")
	void randomFramesSplitAtRandomPointsDecodeToWhatWasEncoded(String name, FramingSettings.Builder builder,
			byte[] alphabet) throws IOException {
		FramingSettings settings = builder.maxFrameSize(Math.min(MAX_FRAME_SIZE, maxOf(builder))).build();
		Random random = new Random(42);
		FrameEncoder encoder = Framing.encoder(settings);
		List<byte[]> sent = new ArrayList<>();
		ConnectionBuffer wire = new ConnectionBuffer();
		int refused = 0;
		while (sent.size() < FRAMES) {
			byte[] payload = payload(settings, random, alphabet);
			try {
				encoder.encode(ByteBuffer.wrap(payload), wire);
				sent.add(payload);
			}
			catch (IllegalArgumentException ex) {
				// The payload holds the end of its frame; the encoder must refuse, not cut it.
				refused++;
			}
		}
		byte[] stream = new byte[wire.readableBytes()];
		wire.read(stream);
		List<byte[]> received = decodeInRandomPieces(settings, stream, random);
		if (settings.type() == FrameType.RAW) {
			assertThat(concat(received)).isEqualTo(concat(sent));
		}
		else {
			assertThat(received).hasSameSizeAs(sent);
			for (int i = 0; i < sent.size(); i++) {
				assertThat(received.get(i)).as("frame %d of %s", i, name).isEqualTo(sent.get(i));
			}
		}
		if (alphabet != null) {
			assertThat(refused).as("payloads refused for holding their end").isPositive();
		}
	}

	private static List<byte[]> decodeInRandomPieces(FramingSettings settings, byte[] stream, Random random)
			throws IOException {
		FrameDecoder decoder = Framing.decoder(settings);
		ConnectionBuffer input = new ConnectionBuffer();
		List<byte[]> received = new ArrayList<>();
		int offset = 0;
		while (offset < stream.length) {
			int piece = Math.min(stream.length - offset, 1 + random.nextInt(random.nextBoolean() ? 8 : 2_000));
			input.add(stream, offset, piece);
			offset += piece;
			ByteBuffer frame;
			while ((frame = decoder.next(input)) != null) {
				assertThat(frame.position()).isZero();
				assertThat(frame.remaining()).isEqualTo(frame.capacity());
				byte[] bytes = new byte[frame.remaining()];
				frame.get(bytes);
				received.add(bytes);
			}
		}
		assertThat(input.readableBytes()).as("bytes left over").isZero();
		assertThat(decoder.frameStarted(input)).isFalse();
		return received;
	}

	private static byte[] payload(FramingSettings settings, Random random, byte[] alphabet) {
		if (settings.type() == FrameType.FIXED) {
			return randomBytes(random, settings.recordSize(), null);
		}
		LengthField field = settings.lengthField();
		if (field != null && !field.strip()) {
			// A whole frame carrying its own header: the encoder checks it.
			int length = field.headerLength() + random.nextInt(settings.maxFrameSize() - field.headerLength() + 1);
			byte[] frame = randomBytes(random, length, null);
			frame[field.offset()] = (byte) (length - field.headerLength() - field.adjustment());
			return frame;
		}
		int length = random.nextInt(10) == 0 ? 0 : random.nextInt(settings.maxFrameSize() + 1);
		if (settings.type() == FrameType.RAW) {
			length = Math.max(1, length);
		}
		return randomBytes(random, length, alphabet);
	}

	private static byte[] randomBytes(Random random, int length, byte[] alphabet) {
		byte[] bytes = new byte[length];
		if (alphabet == null) {
			random.nextBytes(bytes);
		}
		else {
			// Mostly filler, with the delimiter's bytes often enough to make near misses.
			for (int i = 0; i < length; i++) {
				bytes[i] = (random.nextInt(50) == 0) ? alphabet[random.nextInt(2)] : alphabet[2];
			}
		}
		return bytes;
	}

	private static int maxOf(FramingSettings.Builder builder) {
		return builder.build().maxFrameSize();
	}

	private static byte[] alphabet(int... bytes) {
		byte[] alphabet = new byte[bytes.length];
		for (int i = 0; i < bytes.length; i++) {
			alphabet[i] = (byte) bytes[i];
		}
		return alphabet;
	}

	private static byte[] concat(List<byte[]> frames) {
		ByteBuffer all = ByteBuffer.allocate(frames.stream().mapToInt((frame) -> frame.length).sum());
		frames.forEach(all::put);
		return all.array();
	}

}
