package io.connlistener.proxy;

import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static io.connlistener.proxy.ProxyHeaders.LOCAL;
import static io.connlistener.proxy.ProxyHeaders.PROXY;
import static io.connlistener.proxy.ProxyHeaders.TCP4;
import static io.connlistener.proxy.ProxyHeaders.TCP6;
import static io.connlistener.proxy.ProxyHeaders.UNIX_STREAM;
import static io.connlistener.proxy.ProxyHeaders.UNSPEC;
import static io.connlistener.proxy.ProxyHeaders.concat;
import static io.connlistener.proxy.ProxyHeaders.inet;
import static io.connlistener.proxy.ProxyHeaders.tlv;
import static io.connlistener.proxy.ProxyHeaders.unix;
import static io.connlistener.proxy.ProxyHeaders.v1;
import static io.connlistener.proxy.ProxyHeaders.v2;
import static io.connlistener.proxy.ProxyHeaders.v2Raw;
import static io.connlistener.proxy.ProxyHeaders.v2WithCrc32c;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ProxyHeaderParser}: every form of both versions the specification
 * allows, the bytes it must never take, and every way a header can be malformed.
 */
class ProxyHeaderParserTests {

	private static final byte[] DATA = "application data".getBytes(StandardCharsets.US_ASCII);

	@Test
	void v1TcpFourGivesTheClientAndTheDestination() throws Exception {
		ProxyHeader header = parse(v1("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443"));
		assertThat(header.version()).isEqualTo(1);
		assertThat(header.local()).isFalse();
		assertThat(header.source()).isEqualTo(new InetSocketAddress("203.0.113.7", 51234));
		assertThat(header.destination()).isEqualTo(new InetSocketAddress("192.0.2.1", 443));
	}

	@Test
	void v1TcpSixGivesIpv6Addresses() throws Exception {
		ProxyHeader header = parse(v1("PROXY TCP6 2001:db8::7 2001:db8:0:0:0:0:0:1 65535 0"));
		assertThat(header.source()).isEqualTo(new InetSocketAddress("2001:db8::7", 65535));
		assertThat(header.destination()).isEqualTo(new InetSocketAddress("2001:db8::1", 0));
	}

	@Test
	void v1UnknownCarriesNoAddresses() throws Exception {
		ProxyHeader header = parse(v1("PROXY UNKNOWN"));
		assertThat(header.hasAddresses()).isFalse();
		assertThat(header.sourceOr(new InetSocketAddress("10.0.0.1", 1))).isEqualTo(new InetSocketAddress("10.0.0.1", 1));
	}

	@Test
	void v1UnknownIgnoresWhatFollowsIt() throws Exception {
		ProxyHeader header = parse(v1("PROXY UNKNOWN ffff:f...f:ffff ffff:f...f:ffff 65535 65535"));
		assertThat(header.version()).isEqualTo(1);
		assertThat(header.hasAddresses()).isFalse();
	}

	@Test
	void v1HeaderOfTheLongestAllowedLengthIsAccepted() throws Exception {
		byte[] header = v1(padded("PROXY UNKNOWN ", 105));
		assertThat(header).hasSize(ProxyHeaderParser.V1_MAX_LENGTH);
		assertThat(parse(header).hasAddresses()).isFalse();
	}

	@Test
	void v1HeaderOneByteTooLongIsRejected() {
		ProxyHeaderParser parser = new ProxyHeaderParser();
		assertThatExceptionOfType(ProxyProtocolException.class)
			.isThrownBy(() -> parser.feed(ByteBuffer.wrap(v1(padded("PROXY UNKNOWN ", 106)))))
			.withMessageContaining("no CRLF within the first 107 bytes");
	}

	@Test
	void v1HeaderWithoutCrlfIsRejectedAfter107BytesWithoutTakingMore() {
		ProxyHeaderParser parser = new ProxyHeaderParser();
		ByteBuffer endless = ByteBuffer.wrap(padded("PROXY UNKNOWN ", 500).getBytes(StandardCharsets.US_ASCII));
		assertThatExceptionOfType(ProxyProtocolException.class).isThrownBy(() -> parser.feed(endless));
		assertThat(endless.position()).isEqualTo(ProxyHeaderParser.V1_MAX_LENGTH);
	}

	@Test
	void v1LeavesTheBytesAfterTheHeaderInTheBuffer() throws Exception {
		byte[] header = v1("PROXY TCP4 10.1.2.3 10.0.0.1 1000 80");
		ByteBuffer buffer = ByteBuffer.wrap(concat(header, DATA));
		assertThat(new ProxyHeaderParser().feed(buffer)).isNotNull();
		assertThat(buffer.position()).isEqualTo(header.length);
	}

	@ParameterizedTest
	@ValueSource(strings = { "PROXY TCP4 10.1.2.3 10.0.0.1 1000 80", "PROXY TCP6 ::1 ::1 0 0", "PROXY UNKNOWN",
			"PROXY TCP6 ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff ffff:ffff:ffff:ffff:ffff:ffff:ffff:ffff 65535 65535" })
	void v1NeverAsksForMoreBytesThanTheHeaderHas(String line) throws Exception {
		assertThat(parseInReads(concat(v1(line), DATA))).isNotNull();
	}

	@ParameterizedTest
	@ValueSource(strings = { "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\n", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2\rx\n",
			"PROXY TCP4 1.2.3.4 5.6.7.8 1 2\r\r\n", "PROXY TCP5 1.2.3.4 5.6.7.8 1 2", "PROXY  TCP4 1.2.3.4 5.6.7.8 1 2",
			"PROXY TCP4 1.2.3.4  5.6.7.8 1 2", "PROXY TCP4 1.2.3.4 5.6.7.8 1 2 ", "PROXY TCP4 1.2.3.4 5.6.7.8 1",
			"PROXY TCP4 1.2.3 5.6.7.8 1 2", "PROXY TCP4 1.2.3.256 5.6.7.8 1 2", "PROXY TCP4 01.2.3.4 5.6.7.8 1 2",
			"PROXY TCP4 1.2.3.4. 5.6.7.8 1 2", "PROXY TCP4 ::1 ::1 1 2", "PROXY TCP6 1.2.3.4 5.6.7.8 1 2",
			"PROXY TCP6 example.com ::1 1 2", "PROXY TCP6 ::1%eth0 ::1 1 2", "PROXY TCP6 .:: ::1 1 2",
			"PROXY TCP6 1:2:3:4:5:6:7:8:9 ::1 1 2", "PROXY TCP4 localhost 5.6.7.8 1 2",
			"PROXY TCP4 1.2.3.4 5.6.7.8 65536 2", "PROXY TCP4 1.2.3.4 5.6.7.8 -1 2", "PROXY TCP4 1.2.3.4 5.6.7.8 +1 2",
			"PROXY TCP4 1.2.3.4 5.6.7.8 0x10 2", "PROXY TCP4 1.2.3.4 5.6.7.8 100000 2", "PROXY TCP4\t1.2.3.4 5.6.7.8 1 2",
			"proxy TCP4 1.2.3.4 5.6.7.8 1 2", "PROXY tcp4 1.2.3.4 5.6.7.8 1 2", "PROXY UNKNOWNX", "PROXY", "PROXY ",
			"PROXY UNKNOWN caf\u00e9", "GET / HTTP/1.1", "SSH-2.0-OpenSSH_9.6", "\u0016\u0003\u0001\u0002\u0000" })
	void v1MalformedHeaderIsRejected(String text) {
		byte[] bytes = text.endsWith("\n") ? text.getBytes(StandardCharsets.ISO_8859_1)
				: (text + "\r\n").getBytes(StandardCharsets.ISO_8859_1);
		assertThatExceptionOfType(ProxyProtocolException.class)
			.isThrownBy(() -> new ProxyHeaderParser().feed(ByteBuffer.wrap(bytes)));
	}

	@Test
	void firstByteOfAnotherProtocolIsRejectedAtOnce() {
		ProxyHeaderParser parser = new ProxyHeaderParser();
		assertThatExceptionOfType(ProxyProtocolException.class)
			.isThrownBy(() -> parser.feed(ByteBuffer.wrap(new byte[] { 'G' })))
			.withMessageContaining("first byte is 0x47");
	}

	@Test
	void v2TcpFourGivesTheClientAndTheDestination() throws Exception {
		ProxyHeader header = parse(v2(PROXY, TCP4, inet("203.0.113.7", "192.0.2.1", 51234, 443)));
		assertThat(header.version()).isEqualTo(2);
		assertThat(header.local()).isFalse();
		assertThat(header.source()).isEqualTo(new InetSocketAddress("203.0.113.7", 51234));
		assertThat(header.destination()).isEqualTo(new InetSocketAddress("192.0.2.1", 443));
	}

	@Test
	void v2TcpSixGivesIpv6Addresses() throws Exception {
		ProxyHeader header = parse(v2(PROXY, TCP6, inet("2001:db8::7", "2001:db8::1", 65535, 8443)));
		assertThat(header.source()).isEqualTo(new InetSocketAddress("2001:db8::7", 65535));
		assertThat(header.destination()).isEqualTo(new InetSocketAddress("2001:db8::1", 8443));
	}

	@Test
	void v2DatagramTransportIsAccepted() throws Exception {
		ProxyHeader header = parse(v2(PROXY, 0x12, inet("203.0.113.7", "192.0.2.1", 53, 53)));
		assertThat(header.source()).isEqualTo(new InetSocketAddress("203.0.113.7", 53));
	}

	@Test
	void v2UnixGivesPaths() throws Exception {
		ProxyHeader header = parse(v2(PROXY, UNIX_STREAM, unix("/run/client.sock", "/run/haproxy/backend.sock")));
		assertThat(header.source()).isEqualTo(UnixDomainSocketAddress.of("/run/client.sock"));
		assertThat(header.destination()).isEqualTo(UnixDomainSocketAddress.of("/run/haproxy/backend.sock"));
	}

	@Test
	void v2UnixPathOfAll108BytesHasNoTerminator() throws Exception {
		String longest = "/" + "p".repeat(107);
		ProxyHeader header = parse(v2(PROXY, UNIX_STREAM, unix(longest, "")));
		assertThat(header.source()).isEqualTo(UnixDomainSocketAddress.of(longest));
		assertThat(header.destination()).isEqualTo(UnixDomainSocketAddress.of(""));
	}

	@Test
	void v2LocalCommandCarriesNoAddressesWhateverItsFamily() throws Exception {
		assertThat(parse(v2(LOCAL, UNSPEC, new byte[0])).local()).isTrue();
		ProxyHeader header = parse(v2(LOCAL, 0xFF, inet("203.0.113.7", "192.0.2.1", 1, 2)));
		assertThat(header.local()).isTrue();
		assertThat(header.hasAddresses()).isFalse();
	}

	@Test
	void v2LocalCommandSkipsWhateverFollowsAsHaproxyHealthChecksSendIt() throws Exception {
		// HAProxy's check-send-proxy sends LOCAL with its addresses and extensions; the
		// specification says to discard the whole block, so even a truncated extension passes.
		byte[] header = v2(LOCAL, TCP4, inet("10.0.0.1", "10.0.0.2", 1, 2), tlv(0x05, "check".getBytes()),
				new byte[] { 0x04, 0 });
		ByteBuffer buffer = ByteBuffer.wrap(concat(header, DATA));
		ProxyHeader parsed = new ProxyHeaderParser().feed(buffer);
		assertThat(parsed.local()).isTrue();
		assertThat(buffer.position()).isEqualTo(header.length);
	}

	@Test
	void v2UnspecifiedFamilyCarriesNoAddresses() throws Exception {
		ProxyHeader header = parse(v2(PROXY, UNSPEC, new byte[] { 1, 2, 3 }));
		assertThat(header.local()).isFalse();
		assertThat(header.hasAddresses()).isFalse();
	}

	@Test
	void v2ExtensionsAreSkippedAndTheBytesAfterThemLeftInTheBuffer() throws Exception {
		byte[] header = v2(PROXY, TCP4, inet("203.0.113.7", "192.0.2.1", 1, 2), tlv(0x01, "h2".getBytes()),
				tlv(0x20, concat(new byte[] { 0x01, 0, 0, 0, 0 }, tlv(0x21, "TLSv1.3".getBytes()))),
				tlv(0x04, new byte[300]), tlv(0xEA, new byte[0]));
		ByteBuffer buffer = ByteBuffer.wrap(concat(header, DATA));
		ProxyHeader parsed = new ProxyHeaderParser().feed(buffer);
		assertThat(parsed.source()).isEqualTo(new InetSocketAddress("203.0.113.7", 1));
		assertThat(buffer.position()).isEqualTo(header.length);
		assertThat(parseInReads(concat(header, DATA))).isEqualTo(parsed);
	}

	@Test
	void v2MatchingCrc32cIsAccepted() throws Exception {
		byte[] header = v2WithCrc32c(PROXY, TCP4, inet("203.0.113.7", "192.0.2.1", 1, 2), tlv(0x01, "h2".getBytes()));
		assertThat(parse(header).source()).isEqualTo(new InetSocketAddress("203.0.113.7", 1));
	}

	@Test
	void v2MismatchedCrc32cIsRejected() {
		byte[] header = v2WithCrc32c(PROXY, TCP4, inet("203.0.113.7", "192.0.2.1", 1, 2));
		header[16] ^= 1;
		assertThatExceptionOfType(ProxyProtocolException.class).isThrownBy(() -> parse(header))
			.withMessageContaining("CRC32C");
	}

	@Test
	void v2HeaderOfTheMaximumLengthIsAccepted() throws Exception {
		byte[] addresses = inet("203.0.113.7", "192.0.2.1", 1, 2);
		int padding = ProxyHeaderParser.DEFAULT_MAX_LENGTH - 16 - addresses.length - 3;
		byte[] header = v2(PROXY, TCP4, addresses, tlv(0x04, new byte[padding]));
		assertThat(header).hasSize(ProxyHeaderParser.DEFAULT_MAX_LENGTH);
		assertThat(parse(header).hasAddresses()).isTrue();
	}

	@Test
	void v2HeaderLongerThanTheMaximumIsRejectedBeforeItsBodyIsRead() {
		ProxyHeaderParser parser = new ProxyHeaderParser(ProxyHeaderParser.MIN_MAX_LENGTH);
		byte[] header = v2(PROXY, TCP4, inet("203.0.113.7", "192.0.2.1", 1, 2), tlv(0x04, new byte[202]));
		assertThat(header).hasSize(ProxyHeaderParser.MIN_MAX_LENGTH + 1);
		ByteBuffer buffer = ByteBuffer.wrap(header);
		assertThatExceptionOfType(ProxyProtocolException.class).isThrownBy(() -> parser.feed(buffer))
			.withMessageContaining("more than the 232 accepted");
		assertThat(buffer.position()).isEqualTo(16);
		assertThat(parser.bufferCapacity()).isZero();
	}

	@Test
	void v2NeverAsksForMoreBytesThanTheHeaderHas() throws Exception {
		assertThat(parseInReads(concat(v2(PROXY, TCP6, inet("::1", "::2", 1, 2)), DATA))).isNotNull();
		assertThat(parseInReads(concat(v2(LOCAL, UNSPEC, new byte[0]), DATA))).isNotNull();
	}

	@Test
	void v2MalformedHeadersAreRejected() {
		byte[] addresses = inet("203.0.113.7", "192.0.2.1", 1, 2);
		byte[] signature = v2(PROXY, TCP4, addresses);
		signature[11] = 0x0B;
		assertRejected(signature, "signature");
		assertRejected(v2(0x11, TCP4, addresses), "version 1, not 2");
		assertRejected(v2(0x31, TCP4, addresses), "version 3, not 2");
		assertRejected(v2(0x22, TCP4, addresses), "unknown command 2");
		assertRejected(v2(0x2F, TCP4, addresses), "unknown command 15");
		assertRejected(v2(PROXY, 0x41, addresses), "unknown address family");
		assertRejected(v2(PROXY, 0x13, addresses), "unknown address family");
		assertRejected(v2(PROXY, 0x10, addresses), "unknown address family");
		assertRejected(v2(PROXY, 0x01, addresses), "unknown address family");
		assertRejected(v2Raw(PROXY, TCP4, 11, new byte[11]), "too few for the addresses");
		assertRejected(v2Raw(PROXY, TCP6, 35, new byte[35]), "too few for the addresses");
		assertRejected(v2Raw(PROXY, UNIX_STREAM, 215, new byte[215]), "too few for the addresses");
		assertRejected(v2(PROXY, TCP4, addresses, new byte[] { 0x04, 0 }), "truncated extension");
		assertRejected(v2(PROXY, TCP4, addresses, new byte[] { 0x04, 0, 2, 0 }), "longer than the header");
		assertRejected(v2(PROXY, TCP4, addresses, tlv(0x03, new byte[3])), "CRC32C extension of 3 bytes");
	}

	@Test
	void truncatedHeadersAskForMoreBytes() throws Exception {
		byte[][] headers = { v1("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443"),
				v2(PROXY, TCP4, inet("203.0.113.7", "192.0.2.1", 1, 2), tlv(0x01, "h2".getBytes())) };
		for (byte[] header : headers) {
			for (int length = 0; length < header.length; length++) {
				ProxyHeaderParser parser = new ProxyHeaderParser();
				assertThat(parser.feed(ByteBuffer.wrap(header, 0, length))).isNull();
				assertThat(parser.bytesNeeded()).isBetween(1, header.length - length);
			}
		}
	}

	@Test
	void failedParserKeepsFailingAndLetsGoOfItsBuffer() {
		ProxyHeaderParser parser = new ProxyHeaderParser();
		assertThatExceptionOfType(ProxyProtocolException.class)
			.isThrownBy(() -> parser.feed(ByteBuffer.wrap(v1("PROXY TCP9"))));
		assertThat(parser.bytesNeeded()).isZero();
		assertThat(parser.bufferCapacity()).isZero();
		ByteBuffer more = ByteBuffer.wrap(v1("PROXY UNKNOWN"));
		assertThatExceptionOfType(ProxyProtocolException.class).isThrownBy(() -> parser.feed(more))
			.withMessageContaining("expected 'PROXY TCP4|TCP6");
		assertThat(more.position()).isZero();
	}

	@Test
	void completeParserReturnsTheHeaderAgainAndTakesNothing() throws Exception {
		ProxyHeaderParser parser = new ProxyHeaderParser();
		ProxyHeader header = parser.feed(ByteBuffer.wrap(v1("PROXY UNKNOWN")));
		ByteBuffer data = ByteBuffer.wrap(DATA);
		assertThat(parser.feed(data)).isSameAs(header);
		assertThat(data.position()).isZero();
		assertThat(parser.isComplete()).isTrue();
		assertThat(parser.bytesNeeded()).isZero();
	}

	@Test
	void maximumLengthMustHoldUnixAddressesAndFitTheLengthField() {
		assertThatIllegalArgumentException().isThrownBy(() -> new ProxyHeaderParser(231))
			.withMessage("'maxLength' must be between 232 and 65551, not 231");
		assertThatIllegalArgumentException().isThrownBy(() -> new ProxyHeaderParser(65552));
		assertThat(new ProxyHeaderParser(65551).maxLength()).isEqualTo(65551);
	}

	private static ProxyHeader parse(byte[] header) throws ProxyProtocolException {
		ByteBuffer buffer = ByteBuffer.wrap(header);
		ProxyHeader parsed = new ProxyHeaderParser().feed(buffer);
		assertThat(parsed).isNotNull();
		assertThat(buffer.hasRemaining()).isFalse();
		return parsed;
	}

	/**
	 * Parse as a listener reads a channel: at most {@link ProxyHeaderParser#bytesNeeded()}
	 * bytes at a time, one byte per read here; the bytes after the header must never be
	 * asked for.
	 */
	private static ProxyHeader parseInReads(byte[] stream) throws ProxyProtocolException {
		int headerLength = stream.length - DATA.length;
		ProxyHeaderParser parser = new ProxyHeaderParser();
		int position = 0;
		while (!parser.isComplete()) {
			assertThat(position + parser.bytesNeeded()).isLessThanOrEqualTo(headerLength);
			parser.feed(ByteBuffer.wrap(stream, position, 1));
			position++;
		}
		assertThat(position).isEqualTo(headerLength);
		return parser.feed(ByteBuffer.allocate(0));
	}

	private static void assertRejected(byte[] header, String message) {
		assertThatExceptionOfType(ProxyProtocolException.class)
			.isThrownBy(() -> new ProxyHeaderParser().feed(ByteBuffer.wrap(header)))
			.withMessageContaining(message);
	}

	private static String padded(String start, int length) {
		return start + "x".repeat(length - start.length());
	}

}
