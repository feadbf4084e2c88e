package io.connlistener.framing;

import java.lang.management.ManagementFactory;
import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;

import io.connlistener.buffer.ConnectionBuffer;
import io.connlistener.testsupport.Figures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for the {@link FrameDecoder decoders} and {@link FrameEncoder encoders} of each
 * {@link FrameType}, fed through a {@link ConnectionBuffer}: where frames end, what is
 * stripped, and the limits checked before anything is allocated.
 */
class FrameDecoderTests {

	@Test
	void lineStripsLfOrCrLfAndKeepsALoneCr() throws Exception {
		FrameDecoder decoder = decoder(FrameType.LINE, 16);
		ConnectionBuffer input = input("one\ntwo\r\nth\rree\r\r\n");
		assertThat(text(decoder.next(input))).isEqualTo("one");
		assertThat(text(decoder.next(input))).isEqualTo("two");
		assertThat(text(decoder.next(input))).isEqualTo("th\rree\r");
		assertThat(decoder.next(input)).isNull();
		assertThat(decoder.frameStarted(input)).isFalse();
	}

	@Test
	void lineOfExactlyTheLimitPassesWithEitherEnd() throws Exception {
		FrameDecoder decoder = decoder(FrameType.LINE, 4);
		ConnectionBuffer input = input("abcd\r\nefgh\n");
		assertThat(text(decoder.next(input))).isEqualTo("abcd");
		assertThat(text(decoder.next(input))).isEqualTo("efgh");
	}

	@Test
	void lineFailsAsSoonAsItCanNoLongerEndWithinTheLimit() throws Exception {
		FrameDecoder decoder = decoder(FrameType.LINE, 4);
		ConnectionBuffer input = input("abcd");
		assertThat(decoder.next(input)).isNull();
		assertThat(decoder.frameStarted(input)).isTrue();
		input.add("\r".getBytes(StandardCharsets.US_ASCII));
		assertThat(decoder.next(input)).as("a CR may still be followed by LF").isNull();
		input.add("x".getBytes(StandardCharsets.US_ASCII));
		assertThatExceptionOfType(FrameTooLargeException.class).isThrownBy(() -> decoder.next(input))
			.satisfies((ex) -> assertThat(ex.claimedSize()).isEqualTo(-1));
		assertThatExceptionOfType(FrameTooLargeException.class)
			.isThrownBy(() -> decoder(FrameType.LINE, 4).next(input("abcde")));
		assertThatExceptionOfType(FrameTooLargeException.class)
			.isThrownBy(() -> decoder(FrameType.LINE, 4).next(input("abcde\n")));
	}

	@Test
	void delimiterFindsItsFirstOccurrenceAcrossNearMisses() throws Exception {
		FrameDecoder decoder = Framing
			.decoder(FramingSettings.builder(FrameType.DELIMITER).delimiter(bytes("--!")).maxFrameSize(8).build());
		ConnectionBuffer input = input("a-b--c---");
		assertThat(decoder.next(input)).isNull();
		input.add(bytes("!d--!"));
		assertThat(text(decoder.next(input))).isEqualTo("a-b--c-");
		assertThat(text(decoder.next(input))).isEqualTo("d");
		assertThatExceptionOfType(FrameTooLargeException.class).isThrownBy(() -> decoder.next(input("123456789")));
	}

	@Test
	void stxEtxStripsBothAndRefusesAnotherFirstByte() throws Exception {
		FrameDecoder decoder = decoder(FrameType.STX_ETX, 8);
		ConnectionBuffer input = input("\u0002hello\u0003\u0002\u0003");
		assertThat(text(decoder.next(input))).isEqualTo("hello");
		assertThat(text(decoder.next(input))).isEmpty();
		assertThatExceptionOfType(MalformedFrameException.class).isThrownBy(() -> decoder.next(input("x")))
			.withMessage("Frame starts with 0x78 instead of STX (0x02)");
		assertThatExceptionOfType(FrameTooLargeException.class)
			.isThrownBy(() -> decoder(FrameType.STX_ETX, 8).next(input("\u0002123456789")));
	}

	@Test
	void lengthFieldHonoursOffsetAdjustmentStripAndOrder() throws Exception {
		LengthField field = new LengthField(2, 1, -2, false, ByteOrder.LITTLE_ENDIAN);
		FrameDecoder decoder = Framing
			.decoder(FramingSettings.builder(FrameType.LENGTH_FIELD).lengthField(field).maxFrameSize(16).build());
		// Type byte 'T', a length of 5 that counts itself, then three bytes.
		ConnectionBuffer input = new ConnectionBuffer();
		input.add(new byte[] { 'T', 5, 0, 'a', 'b' });
		assertThat(decoder.next(input)).isNull();
		input.add(new byte[] { 'c' });
		ByteBuffer frame = decoder.next(input);
		assertThat(frame.remaining()).isEqualTo(6);
		assertThat(frame.array()).containsExactly('T', 5, 0, 'a', 'b', 'c');
		assertThatExceptionOfType(MalformedFrameException.class)
			.isThrownBy(() -> decoder.next(bytesInput(new byte[] { 'T', 1, 0 })))
			.withMessage("Length field of 1 with an adjustment of -2 gives a negative length");
	}

	@Test
	void lengthHeaderClaimingTwoGibibytesFailsAtOnceWithHeapFlat() throws Exception {
		FramingSettings narrow = FramingSettings.builder(FrameType.LENGTH_FIELD).build();
		byte[] twoGibibytes = { (byte) 0x80, 0, 0, 0, 'x' };
		// Once to load the classes the failure needs, then measured.
		failureAllocation(narrow, twoGibibytes);
		long allocated = failureAllocation(narrow, twoGibibytes);
		FramingSettings wide = FramingSettings.builder(FrameType.LENGTH_FIELD)
			.lengthField(new LengthField(8, 0, 0, true, ByteOrder.BIG_ENDIAN))
			.build();
		byte[] twoToTheSixtySecond = { 0x40, 0, 0, 0, 0, 0, 0, 0 };
		failureAllocation(wide, twoToTheSixtySecond);
		long wideAllocated = failureAllocation(wide, twoToTheSixtySecond);
		assertThatExceptionOfType(FrameTooLargeException.class)
			.isThrownBy(() -> Framing.decoder(narrow).next(bytesInput(twoGibibytes)))
			.satisfies((ex) -> assertThat(ex.claimedSize()).isEqualTo(1L << 31));
		assertThatExceptionOfType(FrameTooLargeException.class)
			.isThrownBy(() -> Framing.decoder(wide).next(bytesInput(twoToTheSixtySecond)))
			.satisfies((ex) -> assertThat(ex.claimedSize()).isEqualTo(1L << 62));
		assertThatExceptionOfType(FrameTooLargeException.class)
			.isThrownBy(() -> Framing.decoder(wide).next(bytesInput(new byte[] { (byte) 0xff, 0, 0, 0, 0, 0, 0, 0 })))
			.satisfies((ex) -> assertThat(ex.claimedSize()).isEqualTo(-1));
		// The exception with its stack trace and message: nothing near the size claimed.
		assertThat(allocated).isLessThan(16 * 1024);
		assertThat(wideAllocated).isLessThan(16 * 1024);
		Figures.record("length-header-2gib", "a 4-byte header claiming 2 GiB failed after %d bytes allocated on the "
				+ "decoding thread; an 8-byte header claiming 2^62 after %d bytes", allocated, wideAllocated);
	}

	/**
	 * Decode a header that claims too much on a fresh decoder, and return the bytes the
	 * calling thread allocated meanwhile.
	 */
	private static long failureAllocation(FramingSettings settings, byte[] header) {
		FrameDecoder decoder = Framing.decoder(settings);
		ConnectionBuffer input = bytesInput(header);
		com.sun.management.ThreadMXBean threads = (com.sun.management.ThreadMXBean) ManagementFactory
			.getThreadMXBean();
		long thread = Thread.currentThread().getId();
		long before = threads.getThreadAllocatedBytes(thread);
		try {
			decoder.next(input);
			throw new AssertionError("A header claiming more than the limit was accepted");
		}
		catch (FrameTooLargeException ex) {
			return threads.getThreadAllocatedBytes(thread) - before;
		}
		catch (MalformedFrameException ex) {
			throw new AssertionError(ex);
		}
	}

	@Test
	void lengthHeaderOverTheLimitFailsBeforeThePayloadArrives() throws Exception {
		FrameDecoder decoder = decoder(FrameType.LENGTH_FIELD, 100);
		assertThat(decoder.next(bytesInput(new byte[] { 0, 0, 0, 100 }))).isNull();
		assertThatExceptionOfType(FrameTooLargeException.class)
			.isThrownBy(() -> decoder.next(bytesInput(new byte[] { 0, 0, 0, 101 })))
			.satisfies((ex) -> assertThat(ex.claimedSize()).isEqualTo(101));
	}

	@Test
	void fixedCutsRecordsAndRawTakesWhatIsThereUpToTheLimit() throws Exception {
		FrameDecoder fixed = Framing.decoder(FramingSettings.builder(FrameType.FIXED).recordSize(3).build());
		ConnectionBuffer input = input("abcdefg");
		assertThat(text(fixed.next(input))).isEqualTo("abc");
		assertThat(text(fixed.next(input))).isEqualTo("def");
		assertThat(fixed.next(input)).isNull();
		assertThat(fixed.frameStarted(input)).isTrue();
		FrameDecoder raw = decoder(FrameType.RAW, 4);
		ConnectionBuffer rawInput = input("abcdefg");
		assertThat(text(raw.next(rawInput))).isEqualTo("abcd");
		assertThat(raw.frameStarted(rawInput)).isFalse();
		assertThat(text(raw.next(rawInput))).isEqualTo("efg");
		assertThat(raw.next(rawInput)).isNull();
	}

	@Test
	void encodersFrameEachTypeAndLeaveThePayloadsPosition() {
		assertThat(encoded(FramingSettings.builder(FrameType.LINE).build(), "hi")).isEqualTo("hi\r\n");
		assertThat(encoded(FramingSettings.builder(FrameType.DELIMITER).delimiter(bytes("||")).build(), "hi"))
			.isEqualTo("hi||");
		assertThat(encoded(FramingSettings.builder(FrameType.STX_ETX).build(), "hi")).isEqualTo("\u0002hi\u0003");
		assertThat(encoded(FramingSettings.builder(FrameType.LENGTH_FIELD).build(), "hi"))
			.isEqualTo("\u0000\u0000\u0000\u0002hi");
		assertThat(encoded(FramingSettings.builder(FrameType.LENGTH_FIELD)
			.lengthField(new LengthField(2, 1, 0, true, ByteOrder.LITTLE_ENDIAN))
			.build(), "hi")).isEqualTo("\u0000\u0002\u0000hi");
		assertThat(encoded(FramingSettings.builder(FrameType.FIXED).recordSize(2).build(), "hi")).isEqualTo("hi");
		assertThat(encoded(FramingSettings.builder(FrameType.RAW).build(), "hi")).isEqualTo("hi");
	}

	@Test
	void encodersRefusePayloadsTheyCannotFrame() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> encoded(FramingSettings.builder(FrameType.LINE).build(), "a\nb"))
			.withMessage("The payload holds the end of its frame at index 1");
		assertThatIllegalArgumentException().isThrownBy(
				() -> encoded(FramingSettings.builder(FrameType.DELIMITER).delimiter(bytes("aba")).build(), "ab"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> encoded(FramingSettings.builder(FrameType.STX_ETX).build(), "a\u0003"));
		assertThatIllegalArgumentException()
			.isThrownBy(() -> encoded(FramingSettings.builder(FrameType.FIXED).recordSize(3).build(), "hi"))
			.withMessage("A record must be 3 bytes, not 2");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> encoded(FramingSettings.builder(FrameType.LENGTH_FIELD)
				.lengthField(new LengthField(1, 0, 0, true, ByteOrder.BIG_ENDIAN))
				.build(), "x".repeat(256)))
			.withMessage("A length of 256 does not fit a 1-byte length field");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> encoded(FramingSettings.builder(FrameType.LENGTH_FIELD)
				.lengthField(new LengthField(1, 0, 0, false, ByteOrder.BIG_ENDIAN))
				.build(), "\u0005hi"))
			.withMessage("The frame's length field holds 5 but its length needs 2");
	}

	@Test
	void settingsNameWhatIsMissingOrOutOfRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> FramingSettings.builder(FrameType.DELIMITER).build())
			.withMessage("'delimiter' must be set for framing type DELIMITER");
		assertThatIllegalArgumentException().isThrownBy(() -> FramingSettings.builder(FrameType.FIXED).build())
			.withMessage("'recordSize' must be set for framing type FIXED");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> FramingSettings.builder(FrameType.FIXED).recordSize(10).maxFrameSize(8).build())
			.withMessage("'recordSize' must be between 1 and 'maxFrameSize' (8), not 10");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> FramingSettings.builder(FrameType.LINE).maxFrameSize(0).build())
			.withMessage("'maxFrameSize' must be at least 1, not 0");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> FramingSettings.builder(FrameType.LINE).frameTimeout(java.time.Duration.ZERO).build())
			.withMessage("'frameTimeout' must be positive, not PT0S");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new LengthField(3, 0, 0, true, ByteOrder.BIG_ENDIAN))
			.withMessage("'size' must be 1, 2, 4 or 8, not 3");
		FramingSettings line = FramingSettings.builder(FrameType.LINE).build();
		assertThat(line.maxFrameSize()).isEqualTo(64 * 1024);
		assertThat(line.frameTimeout()).isEqualTo(java.time.Duration.ofSeconds(30));
		assertThat(line.delimiter()).isNull();
		assertThat(line.lengthField()).isNull();
		assertThat(line.maxEncodedFrameSize()).isEqualTo(64 * 1024 + 2);
		assertThat(FramingSettings.builder(FrameType.LENGTH_FIELD).build().lengthField())
			.isEqualTo(LengthField.DEFAULT);
	}

	private static FrameDecoder decoder(FrameType type, int maxFrameSize) {
		return Framing.decoder(FramingSettings.builder(type).maxFrameSize(maxFrameSize).build());
	}

	private static String encoded(FramingSettings settings, String payload) {
		ByteBuffer buffer = ByteBuffer.wrap(bytes(payload));
		ConnectionBuffer output = new ConnectionBuffer();
		Framing.encoder(settings).encode(buffer, output);
		assertThat(buffer.position()).isZero();
		byte[] bytes = new byte[output.readableBytes()];
		output.read(bytes);
		return new String(bytes, StandardCharsets.ISO_8859_1);
	}

	private static ConnectionBuffer input(String text) {
		return bytesInput(bytes(text));
	}

	private static ConnectionBuffer bytesInput(byte[] bytes) {
		ConnectionBuffer input = new ConnectionBuffer();
		input.add(bytes);
		return input;
	}

	private static byte[] bytes(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	private static String text(ByteBuffer frame) {
		return StandardCharsets.ISO_8859_1.decode(frame).toString();
	}

}
