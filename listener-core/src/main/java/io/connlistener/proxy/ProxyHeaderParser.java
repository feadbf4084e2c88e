package io.connlistener.proxy;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.InvalidPathException;
import java.util.Arrays;
import java.util.Objects;
import java.util.zip.CRC32C;

/**
 * An incremental parser of one PROXY protocol header, version 1 (text) or 2 (binary), fed
 * the first bytes of a connection as they arrive, in pieces of any size.
 * <p>
 * It never takes a byte past the header. {@link #bytesNeeded()} says how many more bytes
 * certainly belong to the header, so a caller that reads at most that many from a channel
 * leaves the application's first byte in the socket; {@link #feed(ByteBuffer)} consumes
 * only header bytes and leaves what follows in the buffer. Version 1 is read up to its
 * CRLF, which must come within {@value #V1_MAX_LENGTH} bytes; version 2 is read as its
 * 16 bytes and then exactly the length they announce, up to the parser's maximum.
 * <p>
 * Memory and time are bounded: a parser holds at most {@value #V1_MAX_LENGTH} bytes of a
 * version 1 header, or its {@linkplain #maxLength() maximum length} of a version 2 one,
 * and parses in loops, never by recursion. Every input either yields a {@link ProxyHeader},
 * asks for more bytes, or throws {@link ProxyProtocolException}; after a failure the parser
 * keeps failing. Addresses are decoded from literals only, never looked up.
 * <p>
 * Not thread-safe: one parser per connection, used by one thread at a time.
 */
public final class ProxyHeaderParser {

	/** Longest version 1 header, CRLF included, as the specification fixes it. */
	public static final int V1_MAX_LENGTH = 107;

	/** Length of the fixed part of a version 2 header: signature, version and command, family, length. */
	public static final int V2_FIXED_LENGTH = 16;

	/** Smallest maximum length a parser accepts: a version 2 header with Unix addresses. */
	public static final int MIN_MAX_LENGTH = V2_FIXED_LENGTH + 216;

	/** Largest version 2 header the 16-bit length field can announce. */
	public static final int V2_MAX_LENGTH = V2_FIXED_LENGTH + 0xFFFF;

	/** Default longest version 2 header, type-length-value extensions included. */
	public static final int DEFAULT_MAX_LENGTH = 4096;

	private static final byte[] V1_PREFIX = "PROXY ".getBytes(StandardCharsets.US_ASCII);

	private static final byte[] V2_SIGNATURE = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54,
			0x0A };

	/** {@code PROXY UNKNOWN\r\n}, the shortest version 1 header. */
	private static final int V1_MIN_LENGTH = 15;

	/** {@code PROXY TCP4 0.0.0.0 0.0.0.0 0 0\r\n}. */
	private static final int V1_TCP4_MIN_LENGTH = 32;

	/** {@code PROXY TCP6 :: :: 0 0\r\n}. */
	private static final int V1_TCP6_MIN_LENGTH = 22;

	private static final int COMMAND_LOCAL = 0x0;

	private static final int COMMAND_PROXY = 0x1;

	private static final int FAMILY_UNSPEC = 0x0;

	private static final int FAMILY_INET = 0x1;

	private static final int FAMILY_INET6 = 0x2;

	private static final int FAMILY_UNIX = 0x3;

	private static final int UNIX_PATH_LENGTH = 108;

	private static final int TLV_CRC32C = 0x03;

	private final int maxLength;

	private byte[] buffer = new byte[V2_FIXED_LENGTH];

	private int length;

	private int version;

	private int totalLength = -1;

	private ProxyHeader header;

	private String failure;

	/**
	 * Create a parser that accepts version 2 headers of up to {@value #DEFAULT_MAX_LENGTH}
	 * bytes.
	 */
	public ProxyHeaderParser() {
		this(DEFAULT_MAX_LENGTH);
	}

	/**
	 * Create a parser.
	 * @param maxLength longest version 2 header accepted, fixed part and extensions
	 * included, from {@value #MIN_MAX_LENGTH} to {@value #V2_MAX_LENGTH}
	 * @throws IllegalArgumentException if the maximum is out of range
	 */
	public ProxyHeaderParser(int maxLength) {
		if (maxLength < MIN_MAX_LENGTH || maxLength > V2_MAX_LENGTH) {
			throw new IllegalArgumentException("'maxLength' must be between " + MIN_MAX_LENGTH + " and " + V2_MAX_LENGTH
					+ ", not " + maxLength);
		}
		this.maxLength = maxLength;
	}

	/**
	 * Return the longest version 2 header this parser accepts.
	 * @return the maximum length in bytes
	 */
	public int maxLength() {
		return this.maxLength;
	}

	/**
	 * Return how many more bytes certainly belong to the header: reading at most this many
	 * never takes a byte of what follows it.
	 * @return at least 1 while the header is incomplete; 0 once it is parsed or the parser
	 * has failed
	 */
	public int bytesNeeded() {
		if (this.header != null || this.failure != null) {
			return 0;
		}
		if (this.version == 0) {
			return V1_MIN_LENGTH;
		}
		if (this.version == 2) {
			return ((this.totalLength < 0) ? V2_FIXED_LENGTH : this.totalLength) - this.length;
		}
		if (this.buffer[this.length - 1] == '\r') {
			return 1;
		}
		// Whatever the line holds, it still needs its CRLF.
		int needed = Math.max(v1MinLength() - this.length, 2);
		return Math.min(needed, V1_MAX_LENGTH - this.length);
	}

	/**
	 * Take the header's bytes from the buffer: at most {@link #bytesNeeded()} in total, so
	 * the bytes after the header stay in the buffer.
	 * @param source bytes of the connection, in order; its position advances past the
	 * bytes taken
	 * @return the header once complete (again on later calls, taking nothing), or
	 * {@code null} while more bytes are needed
	 * @throws ProxyProtocolException if the bytes are not a valid header, now or at an
	 * earlier call
	 */
	public ProxyHeader feed(ByteBuffer source) throws ProxyProtocolException {
		Objects.requireNonNull(source, "'source' must not be null");
		if (this.failure != null) {
			throw new ProxyProtocolException(this.failure);
		}
		while (this.header == null && source.hasRemaining()) {
			int count = Math.min(bytesNeeded(), source.remaining());
			int start = this.length;
			ensureCapacity(start + count);
			source.get(this.buffer, start, count);
			this.length += count;
			try {
				accept(start);
			}
			catch (ProxyProtocolException ex) {
				this.failure = ex.getMessage();
				this.buffer = new byte[0];
				throw ex;
			}
		}
		return this.header;
	}

	/**
	 * Return whether a whole header has been parsed.
	 * @return {@code true} once {@link #feed} has returned the header
	 */
	public boolean isComplete() {
		return this.header != null;
	}

	/**
	 * Return the header's version, known from its first byte.
	 * @return 1 or 2, or 0 before the first byte
	 */
	public int version() {
		return this.version;
	}

	/**
	 * Return the size of the parser's internal buffer, for tests of its bound.
	 */
	int bufferCapacity() {
		return this.buffer.length;
	}

	private void ensureCapacity(int needed) {
		if (needed > this.buffer.length) {
			// Grow once, to the most this header may hold: 107 bytes, or the announced length.
			int capacity = (this.version == 1) ? V1_MAX_LENGTH : this.totalLength;
			this.buffer = Arrays.copyOf(this.buffer, capacity);
		}
	}

	private int v1MinLength() {
		if (this.length >= 10 && this.buffer[6] == 'T' && this.buffer[7] == 'C' && this.buffer[8] == 'P') {
			if (this.buffer[9] == '4') {
				return V1_TCP4_MIN_LENGTH;
			}
			if (this.buffer[9] == '6') {
				return V1_TCP6_MIN_LENGTH;
			}
		}
		return V1_MIN_LENGTH;
	}

	private void accept(int start) throws ProxyProtocolException {
		if (this.version == 0) {
			if (this.buffer[0] == V1_PREFIX[0]) {
				this.version = 1;
			}
			else if (this.buffer[0] == V2_SIGNATURE[0]) {
				this.version = 2;
			}
			else {
				throw new ProxyProtocolException("Not a PROXY protocol header: the first byte is 0x"
						+ Integer.toHexString(this.buffer[0] & 0xFF) + ", which starts neither 'PROXY ' (version 1) "
						+ "nor the version 2 signature");
			}
		}
		if (this.version == 1) {
			acceptV1(start);
		}
		else {
			acceptV2(start);
		}
	}

	private void acceptV1(int start) throws ProxyProtocolException {
		for (int i = start; i < this.length; i++) {
			byte b = this.buffer[i];
			if (i < V1_PREFIX.length) {
				if (b != V1_PREFIX[i]) {
					throw new ProxyProtocolException("Invalid version 1 header: it does not start with 'PROXY '");
				}
			}
			else if (this.buffer[i - 1] == '\r') {
				if (b != '\n') {
					throw new ProxyProtocolException("Invalid version 1 header: CR not followed by LF");
				}
				this.header = parseV1(i + 1);
				return;
			}
			else if (b != '\r' && (b < 0x20 || b > 0x7E)) {
				throw new ProxyProtocolException("Invalid version 1 header: byte 0x" + Integer.toHexString(b & 0xFF)
						+ " at offset " + i + " is not printable US-ASCII");
			}
		}
		if (this.length >= V1_MAX_LENGTH) {
			throw new ProxyProtocolException(
					"Invalid version 1 header: no CRLF within the first " + V1_MAX_LENGTH + " bytes");
		}
	}

	private ProxyHeader parseV1(int end) throws ProxyProtocolException {
		String line = new String(this.buffer, 0, end - 2, StandardCharsets.US_ASCII);
		String[] fields = line.split(" ", -1);
		if (fields.length >= 2 && fields[1].equals("UNKNOWN")) {
			// The specification asks to ignore whatever follows UNKNOWN.
			return new ProxyHeader(1, false, null, null);
		}
		if (fields.length != 6) {
			throw new ProxyProtocolException("Invalid version 1 header '" + line + "': expected 'PROXY TCP4|TCP6 "
					+ "<source> <destination> <source port> <destination port>' or 'PROXY UNKNOWN'");
		}
		boolean ipv6;
		if (fields[1].equals("TCP4")) {
			ipv6 = false;
		}
		else if (fields[1].equals("TCP6")) {
			ipv6 = true;
		}
		else {
			throw new ProxyProtocolException(
					"Invalid version 1 header '" + line + "': protocol must be TCP4, TCP6 or UNKNOWN");
		}
		InetAddress source = ipv6 ? ipv6Literal(fields[2], line) : ipv4Literal(fields[2], line);
		InetAddress destination = ipv6 ? ipv6Literal(fields[3], line) : ipv4Literal(fields[3], line);
		return new ProxyHeader(1, false, new InetSocketAddress(source, port(fields[4], line)),
				new InetSocketAddress(destination, port(fields[5], line)));
	}

	private static InetAddress ipv4Literal(String text, String line) throws ProxyProtocolException {
		String[] parts = text.split("\\.", -1);
		if (parts.length != 4) {
			throw invalidAddress(text, line, "TCP4");
		}
		byte[] address = new byte[4];
		for (int i = 0; i < 4; i++) {
			String part = parts[i];
			// No leading zeros: "010" would read as octal elsewhere.
			if (part.isEmpty() || part.length() > 3 || (part.length() > 1 && part.charAt(0) == '0')
					|| !isDigits(part)) {
				throw invalidAddress(text, line, "TCP4");
			}
			int value = Integer.parseInt(part);
			if (value > 255) {
				throw invalidAddress(text, line, "TCP4");
			}
			address[i] = (byte) value;
		}
		return byAddress(address);
	}

	private static InetAddress ipv6Literal(String text, String line) throws ProxyProtocolException {
		// With a colon and a hex digit or colon first, the JDK parses a literal and never
		// looks the text up as a host name.
		if (text.length() < 2 || text.length() > 45 || text.indexOf(':') < 0
				|| (Character.digit(text.charAt(0), 16) < 0 && text.charAt(0) != ':')) {
			throw invalidAddress(text, line, "TCP6");
		}
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (Character.digit(c, 16) < 0 && c != ':' && c != '.') {
				throw invalidAddress(text, line, "TCP6");
			}
		}
		try {
			return InetAddress.getByName(text);
		}
		catch (UnknownHostException | RuntimeException ex) {
			throw invalidAddress(text, line, "TCP6");
		}
	}

	private static ProxyProtocolException invalidAddress(String text, String line, String protocol) {
		return new ProxyProtocolException(
				"Invalid version 1 header '" + line + "': '" + text + "' is not an address of " + protocol);
	}

	private static int port(String text, String line) throws ProxyProtocolException {
		if (text.isEmpty() || text.length() > 5 || !isDigits(text) || Integer.parseInt(text) > 0xFFFF) {
			throw new ProxyProtocolException(
					"Invalid version 1 header '" + line + "': '" + text + "' is not a port from 0 to 65535");
		}
		return Integer.parseInt(text);
	}

	private static boolean isDigits(String text) {
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c < '0' || c > '9') {
				return false;
			}
		}
		return true;
	}

	private void acceptV2(int start) throws ProxyProtocolException {
		for (int i = start; i < this.length && i < V2_FIXED_LENGTH; i++) {
			int b = this.buffer[i] & 0xFF;
			if (i < V2_SIGNATURE.length) {
				if (b != V2_SIGNATURE[i]) {
					throw new ProxyProtocolException("Invalid version 2 header: the signature does not match");
				}
			}
			else if (i == 12) {
				if ((b >> 4) != 2) {
					throw new ProxyProtocolException("Invalid version 2 header: version " + (b >> 4) + ", not 2");
				}
				if ((b & 0x0F) != COMMAND_LOCAL && (b & 0x0F) != COMMAND_PROXY) {
					throw new ProxyProtocolException("Invalid version 2 header: unknown command " + (b & 0x0F));
				}
			}
			else if (i == 13) {
				// A LOCAL command's family is ignored, as the specification asks.
				if (command() == COMMAND_PROXY && !isValidFamily(b)) {
					throw new ProxyProtocolException(
							"Invalid version 2 header: unknown address family and transport 0x" + Integer.toHexString(b));
				}
			}
			else if (i == 15) {
				int blockLength = unsignedShort(14);
				if (V2_FIXED_LENGTH + blockLength > this.maxLength) {
					throw new ProxyProtocolException("Invalid version 2 header: " + (V2_FIXED_LENGTH + blockLength)
							+ " bytes long, more than the " + this.maxLength + " accepted");
				}
				if (command() == COMMAND_PROXY && blockLength < addressLength(family())) {
					throw new ProxyProtocolException("Invalid version 2 header: " + blockLength
							+ " bytes after the fixed part, too few for the addresses of its family");
				}
				this.totalLength = V2_FIXED_LENGTH + blockLength;
			}
		}
		if (this.totalLength >= 0 && this.length == this.totalLength) {
			this.header = parseV2();
		}
	}

	private static boolean isValidFamily(int familyAndTransport) {
		int family = familyAndTransport >> 4;
		int transport = familyAndTransport & 0x0F;
		if (family == FAMILY_UNSPEC) {
			return transport == 0;
		}
		return family <= FAMILY_UNIX && (transport == 1 || transport == 2);
	}

	private static int addressLength(int family) {
		return switch (family) {
			case FAMILY_INET -> 12;
			case FAMILY_INET6 -> 36;
			case FAMILY_UNIX -> 2 * UNIX_PATH_LENGTH;
			default -> 0;
		};
	}

	private int command() {
		return this.buffer[12] & 0x0F;
	}

	private int family() {
		return (this.buffer[13] & 0xFF) >> 4;
	}

	private ProxyHeader parseV2() throws ProxyProtocolException {
		if (command() == COMMAND_LOCAL) {
			return new ProxyHeader(2, true, null, null);
		}
		int family = family();
		if (family == FAMILY_UNSPEC) {
			// Unknown addresses: the whole block is to be ignored.
			return new ProxyHeader(2, false, null, null);
		}
		checkExtensions(V2_FIXED_LENGTH + addressLength(family));
		if (family == FAMILY_UNIX) {
			return new ProxyHeader(2, false, unixAddress(V2_FIXED_LENGTH),
					unixAddress(V2_FIXED_LENGTH + UNIX_PATH_LENGTH));
		}
		int size = (family == FAMILY_INET) ? 4 : 16;
		int offset = V2_FIXED_LENGTH;
		InetAddress source = byAddress(Arrays.copyOfRange(this.buffer, offset, offset + size));
		InetAddress destination = byAddress(Arrays.copyOfRange(this.buffer, offset + size, offset + 2 * size));
		int sourcePort = unsignedShort(offset + 2 * size);
		int destinationPort = unsignedShort(offset + 2 * size + 2);
		return new ProxyHeader(2, false, new InetSocketAddress(source, sourcePort),
				new InetSocketAddress(destination, destinationPort));
	}

	/**
	 * Walk the type-length-value extensions after the addresses: each must fit in the
	 * header, and a CRC32C one must match.
	 */
	private void checkExtensions(int offset) throws ProxyProtocolException {
		int position = offset;
		while (position < this.totalLength) {
			if (this.totalLength - position < 3) {
				throw new ProxyProtocolException("Invalid version 2 header: a truncated extension at offset " + position);
			}
			int type = this.buffer[position] & 0xFF;
			int valueLength = unsignedShort(position + 1);
			int valueStart = position + 3;
			if (valueLength > this.totalLength - valueStart) {
				throw new ProxyProtocolException("Invalid version 2 header: the extension at offset " + position
						+ " is longer than the header");
			}
			if (type == TLV_CRC32C) {
				checkCrc32c(valueStart, valueLength);
			}
			position = valueStart + valueLength;
		}
	}

	private void checkCrc32c(int valueStart, int valueLength) throws ProxyProtocolException {
		if (valueLength != 4) {
			throw new ProxyProtocolException(
					"Invalid version 2 header: a CRC32C extension of " + valueLength + " bytes, not 4");
		}
		int expected = ((this.buffer[valueStart] & 0xFF) << 24) | ((this.buffer[valueStart + 1] & 0xFF) << 16)
				| ((this.buffer[valueStart + 2] & 0xFF) << 8) | (this.buffer[valueStart + 3] & 0xFF);
		CRC32C crc = new CRC32C();
		crc.update(this.buffer, 0, valueStart);
		crc.update(new byte[4]);
		crc.update(this.buffer, valueStart + 4, this.totalLength - valueStart - 4);
		if ((int) crc.getValue() != expected) {
			throw new ProxyProtocolException("Invalid version 2 header: the CRC32C checksum does not match");
		}
	}

	private SocketAddress unixAddress(int offset) throws ProxyProtocolException {
		int end = offset;
		while (end < offset + UNIX_PATH_LENGTH && this.buffer[end] != 0) {
			end++;
		}
		try {
			return UnixDomainSocketAddress.of(new String(this.buffer, offset, end - offset, StandardCharsets.UTF_8));
		}
		catch (InvalidPathException ex) {
			throw new ProxyProtocolException("Invalid version 2 header: a Unix address that is not a path here");
		}
	}

	private int unsignedShort(int offset) {
		return ((this.buffer[offset] & 0xFF) << 8) | (this.buffer[offset + 1] & 0xFF);
	}

	private static InetAddress byAddress(byte[] address) {
		try {
			return InetAddress.getByAddress(address);
		}
		catch (UnknownHostException ex) {
			// Only thrown for a length other than 4 or 16.
			throw new IllegalStateException(ex);
		}
	}

}
