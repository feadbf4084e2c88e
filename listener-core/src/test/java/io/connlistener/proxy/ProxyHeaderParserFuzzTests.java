package io.connlistener.proxy;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Random;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static io.connlistener.proxy.ProxyHeaders.LOCAL;
import static io.connlistener.proxy.ProxyHeaders.PROXY;
import static io.connlistener.proxy.ProxyHeaders.TCP4;
import static io.connlistener.proxy.ProxyHeaders.TCP6;
import static io.connlistener.proxy.ProxyHeaders.UNIX_STREAM;
import static io.connlistener.proxy.ProxyHeaders.UNSPEC;
import static io.connlistener.proxy.ProxyHeaders.inet;
import static io.connlistener.proxy.ProxyHeaders.tlv;
import static io.connlistener.proxy.ProxyHeaders.unix;
import static io.connlistener.proxy.ProxyHeaders.v1;
import static io.connlistener.proxy.ProxyHeaders.v2;
import static io.connlistener.proxy.ProxyHeaders.v2WithCrc32c;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.fail;

/**
 * Feeds {@link ProxyHeaderParser} tens of thousands of valid, mutated, truncated and random
 * headers in random pieces, as reads from a socket would deliver them, from a fixed seed so
 * a failure can be replayed. Whatever the input, the parser must either return a header,
 * ask for more, or throw its own {@link ProxyProtocolException}; it must never take a byte
 * beyond what it asked for, nor hold more than its bound.
 */
class ProxyHeaderParserFuzzTests {

	private static final long SEED = 0x5EED_08L;

	private static final int INPUTS = 20_000;

	private static final int MAX_LENGTH = ProxyHeaderParser.MIN_MAX_LENGTH + 64;

	private static final int BOUND = Math.max(ProxyHeaderParser.V1_MAX_LENGTH, MAX_LENGTH);

	private static final List<byte[]> VALID = List.of(v1("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443"),
			v1("PROXY TCP6 2001:db8::7 ::ffff:192.0.2.1 1 65535"), v1("PROXY UNKNOWN"),
			v1("PROXY UNKNOWN 1.2.3.4 5.6.7.8 1 2"), v2(PROXY, TCP4, inet("203.0.113.7", "192.0.2.1", 51234, 443)),
			v2(PROXY, TCP6, inet("2001:db8::7", "2001:db8::1", 1, 2), tlv(0x01, "h2".getBytes()),
					tlv(0x04, new byte[40])),
			v2WithCrc32c(PROXY, TCP4, inet("10.0.0.1", "10.0.0.2", 3, 4), tlv(0x05, "id-1".getBytes())),
			v2(PROXY, UNIX_STREAM, unix("/run/client", "/run/server")), v2(LOCAL, UNSPEC, new byte[0]),
			v2(PROXY, UNSPEC, new byte[0]));

	private static final byte[] DATA = "GET / HTTP/1.1\r\n\r\n".getBytes(StandardCharsets.US_ASCII);

	@Test
	@Timeout(60)
	void noInputMakesTheParserThrowAnythingButItsOwnExceptionOrReadPastWhatItAskedFor() {
		Random random = new Random(SEED);
		int parsed = 0;
		int failed = 0;
		int incomplete = 0;
		for (int i = 0; i < INPUTS; i++) {
			byte[] input = input(random, i);
			ProxyHeaderParser parser = new ProxyHeaderParser(MAX_LENGTH);
			int position = 0;
			try {
				while (position < input.length && !parser.isComplete()) {
					int needed = parser.bytesNeeded();
					assertThat(needed).isBetween(1, BOUND - position);
					// A read returns what has arrived, at most what was asked for.
					int read = 1 + random.nextInt(Math.min(needed, input.length - position));
					ByteBuffer buffer = ByteBuffer.wrap(input, position, read);
					parser.feed(buffer);
					assertThat(buffer.hasRemaining()).as("input %d took only part of a read", i).isFalse();
					position += read;
					assertThat(parser.bufferCapacity()).isLessThanOrEqualTo(BOUND);
				}
				if (parser.isComplete()) {
					parsed++;
				}
				else {
					incomplete++;
				}
			}
			catch (ProxyProtocolException ex) {
				failed++;
				assertThat(parser.bufferCapacity()).isZero();
			}
			catch (RuntimeException | AssertionError ex) {
				fail("Input %d (%s) made the parser fail with %s", i, Arrays.toString(input), ex);
			}
			assertThat(position).isLessThanOrEqualTo(BOUND);
		}
		assertThat(parsed + failed + incomplete).isEqualTo(INPUTS);
		// Every kind of outcome is exercised, so the inputs are neither all valid nor all garbage.
		assertThat(parsed).isGreaterThan(INPUTS / 10);
		assertThat(failed).isGreaterThan(INPUTS / 10);
		assertThat(incomplete).isGreaterThan(INPUTS / 100);
	}

	@Test
	@Timeout(60)
	void validHeadersInRandomPiecesAreParsedExactlyUpToTheirLastByte() throws Exception {
		Random random = new Random(SEED + 1);
		for (int i = 0; i < INPUTS / 4; i++) {
			byte[] header = VALID.get(random.nextInt(VALID.size()));
			byte[] input = ProxyHeaders.concat(header, DATA);
			ProxyHeaderParser parser = new ProxyHeaderParser(MAX_LENGTH);
			int position = 0;
			while (!parser.isComplete()) {
				int needed = parser.bytesNeeded();
				assertThat(position + needed).isLessThanOrEqualTo(header.length);
				int read = 1 + random.nextInt(needed);
				parser.feed(ByteBuffer.wrap(input, position, read));
				position += read;
			}
			assertThat(position).isEqualTo(header.length);
		}
	}

	private static byte[] input(Random random, int index) {
		byte[] base = VALID.get(random.nextInt(VALID.size()));
		switch (index % 6) {
			case 0:
				return base;
			case 1:
				return flip(random, base.clone(), 1 + random.nextInt(3));
			case 2:
				return Arrays.copyOf(base, random.nextInt(base.length));
			case 3:
				return insert(random, base);
			case 4:
				// A real signature, then random bytes: headers that pass the first checks.
				byte[] prefixed = Arrays.copyOf(base, Math.min(base.length, 16) + random.nextInt(300));
				for (int i = Math.min(base.length, 16); i < prefixed.length; i++) {
					prefixed[i] = (byte) random.nextInt(256);
				}
				return prefixed;
			default:
				byte[] noise = new byte[random.nextInt(400)];
				random.nextBytes(noise);
				return noise;
		}
	}

	private static byte[] flip(Random random, byte[] bytes, int count) {
		for (int i = 0; i < count; i++) {
			int at = random.nextInt(bytes.length);
			bytes[at] = (random.nextBoolean()) ? (byte) random.nextInt(256) : (byte) (bytes[at] ^ (1 << random.nextInt(8)));
		}
		return bytes;
	}

	private static byte[] insert(Random random, byte[] bytes) {
		byte[] extra = new byte[1 + random.nextInt(8)];
		random.nextBytes(extra);
		int at = random.nextInt(bytes.length + 1);
		return ProxyHeaders.concat(Arrays.copyOf(bytes, at), extra, Arrays.copyOfRange(bytes, at, bytes.length));
	}

}
