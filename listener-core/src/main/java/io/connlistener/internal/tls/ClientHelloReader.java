package io.connlistener.internal.tls;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

/**
 * Reads a connection's first TLS records, before any {@code SSLEngine} exists, until they
 * hold a whole ClientHello: so that a connection that is not TLS is told apart at its first
 * byte, so that the lengths a client claims are checked against the cap before anything is
 * allocated for them, and so that the SNI host name is known before choosing the context.
 * The bytes read are then handed to the engine untouched.
 * <p>
 * Holds at most {@code maxSize} bytes, records' headers included: a length that claims more
 * ends the read as {@link Status#TOO_LARGE} as soon as it is seen, and so do more bytes than
 * that without a whole ClientHello (a ClientHello cut into many small records). The buffer
 * starts small and grows only to what the client claims, never past the cap.
 * <p>
 * Not thread-safe; one per connection.
 */
public final class ClientHelloReader {

	/** Where the ClientHello stands. */
	public enum Status {

		/** More bytes are needed. */
		INCOMPLETE,

		/** A whole ClientHello was read. */
		COMPLETE,

		/** The bytes are not a TLS ClientHello: see {@link #problem()}. */
		FAILED,

		/** The ClientHello claims or took more than the cap: see {@link #problem()}. */
		TOO_LARGE

	}

	private static final int RECORD_HEADER_LENGTH = 5;

	private static final int HANDSHAKE_HEADER_LENGTH = 4;

	private static final int CONTENT_TYPE_HANDSHAKE = 22;

	private static final int HANDSHAKE_TYPE_CLIENT_HELLO = 1;

	/** Most bytes of a plaintext record's fragment (RFC 8446, 5.1). */
	private static final int MAX_FRAGMENT_LENGTH = 1 << 14;

	/** Enough for the ClientHello of every common client in one read. */
	private static final int INITIAL_CAPACITY = 2048;

	private static final int EXTENSION_SERVER_NAME = 0;

	private static final int EXTENSION_ALPN = 16;

	private final int maxSize;

	/** Bytes read so far, from index 0 to the position. */
	private ByteBuffer received;

	/** Bytes of {@link #received} walked so far. */
	private int scanned;

	/** Where the record being walked ends, in {@link #received}. */
	private int recordEnd;

	private int records;

	private final byte[] handshakeHeader = new byte[HANDSHAKE_HEADER_LENGTH];

	private int handshakeHeaderBytes;

	private int helloLength = -1;

	private int helloBodyBytes;

	private Status status = Status.INCOMPLETE;

	private String problem;

	private String serverName;

	private List<String> applicationProtocols = List.of();

	/**
	 * Create a reader.
	 * @param maxSize the most bytes held, records' headers included
	 */
	public ClientHelloReader(int maxSize) {
		this.maxSize = maxSize;
	}

	/**
	 * Read what the channel holds, without blocking when it is non-blocking, until the
	 * ClientHello is whole, or the channel has no more bytes now, or the bytes fail a check.
	 * @param channel the connection
	 * @return where the ClientHello stands
	 * @throws EOFException if the peer closed before a whole ClientHello arrived
	 * @throws IOException if the read fails
	 */
	public Status read(ReadableByteChannel channel) throws IOException {
		while (this.status == Status.INCOMPLETE) {
			if (!makeRoom()) {
				return this.status;
			}
			int read = channel.read(this.received);
			if (read < 0) {
				throw new EOFException("Closed by the peer after " + this.received.position()
						+ " bytes, before a whole ClientHello arrived");
			}
			if (read == 0) {
				break;
			}
			scan();
		}
		return this.status;
	}

	/**
	 * Return what was wrong, once {@link Status#FAILED} or {@link Status#TOO_LARGE}.
	 * @return the problem, or {@code null}
	 */
	public String problem() {
		return this.problem;
	}

	/**
	 * Return the host name the ClientHello asked for with SNI, once complete.
	 * @return the host name in lower case, or {@code null} when there was none
	 */
	public String serverName() {
		return this.serverName;
	}

	/**
	 * Return the application protocols the ClientHello offered with ALPN, once complete.
	 * @return the protocols, empty when it offered none
	 */
	public List<String> applicationProtocols() {
		return this.applicationProtocols;
	}

	/**
	 * Return the bytes read so far, for the engine: the ClientHello and whatever followed it.
	 * @return a buffer from the first byte read to the last, to read from
	 */
	public ByteBuffer received() {
		return (this.received != null) ? this.received.duplicate().flip() : ByteBuffer.allocate(0);
	}

	/**
	 * Return how many bytes the reader's buffer holds room for right now.
	 * @return the capacity, 0 before the first read
	 */
	public int capacity() {
		return (this.received != null) ? this.received.capacity() : 0;
	}

	/**
	 * Make room for the next read, growing to what the client claims, never past the cap.
	 * @return {@code false} if the cap is reached without a whole ClientHello
	 */
	private boolean makeRoom() {
		if (this.received == null) {
			this.received = ByteBuffer.allocate(Math.min(INITIAL_CAPACITY, this.maxSize));
			return true;
		}
		if (this.received.hasRemaining()) {
			return true;
		}
		int capacity = this.received.capacity();
		if (capacity >= this.maxSize) {
			tooLarge("more than " + this.maxSize + " bytes arrived without a whole ClientHello");
			return false;
		}
		int claimed = claimedLength();
		int grown = Math.min(this.maxSize, (claimed > capacity) ? claimed : capacity * 2);
		this.received = ByteBuffer.allocate(grown).put(this.received.flip());
		return true;
	}

	/**
	 * Walk the bytes read since the last walk: records' headers, the handshake header, the
	 * ClientHello's body.
	 */
	private void scan() {
		ByteBuffer bytes = this.received;
		int end = bytes.position();
		while (this.scanned < end && this.status == Status.INCOMPLETE) {
			if (this.scanned == this.recordEnd) {
				if (!recordHeader(bytes, end)) {
					return;
				}
				continue;
			}
			int available = Math.min(end, this.recordEnd) - this.scanned;
			while (available > 0 && this.handshakeHeaderBytes < HANDSHAKE_HEADER_LENGTH) {
				this.handshakeHeader[this.handshakeHeaderBytes++] = bytes.get(this.scanned++);
				available--;
				if (this.handshakeHeaderBytes == HANDSHAKE_HEADER_LENGTH && !handshakeHeader()) {
					return;
				}
			}
			if (this.helloLength < 0) {
				// The handshake header goes on in the next record.
				continue;
			}
			int body = Math.min(available, this.helloLength - this.helloBodyBytes);
			this.helloBodyBytes += body;
			this.scanned += body;
			if (this.helloBodyBytes == this.helloLength) {
				complete();
			}
		}
	}

	/**
	 * Check a record's header, at {@link #scanned}: a handshake record of a length within
	 * the cap. Its first byte is checked as soon as it arrives, so that plain text is
	 * refused at once.
	 * @return {@code true} if the header was whole and good
	 */
	private boolean recordHeader(ByteBuffer bytes, int end) {
		int at = this.scanned;
		if ((bytes.get(at) & 0xff) != CONTENT_TYPE_HANDSHAKE) {
			fail((this.records == 0) ? "the first byte is not that of a TLS handshake record"
					: "a record within the ClientHello is not a handshake record");
			return false;
		}
		if (end - at > 1 && bytes.get(at + 1) != 3) {
			fail("the record's version is not that of TLS");
			return false;
		}
		if (end - at < RECORD_HEADER_LENGTH) {
			return false;
		}
		int length = ((bytes.get(at + 3) & 0xff) << 8) | (bytes.get(at + 4) & 0xff);
		this.records++;
		this.recordEnd = at + RECORD_HEADER_LENGTH + length;
		this.scanned = at + RECORD_HEADER_LENGTH;
		if (this.recordEnd > this.maxSize) {
			tooLarge("a record claims " + length + " bytes, which takes the ClientHello past " + this.maxSize
					+ " bytes");
			return false;
		}
		if (claimedLength() > this.maxSize) {
			tooLarge("the ClientHello's records take it past " + this.maxSize + " bytes");
			return false;
		}
		if (length == 0 || length > MAX_FRAGMENT_LENGTH) {
			fail("a handshake record claims " + length + " bytes");
			return false;
		}
		return true;
	}

	/**
	 * Check the handshake message's header, just completed: a ClientHello of a length within
	 * the cap.
	 * @return {@code true} if good
	 */
	private boolean handshakeHeader() {
		byte[] header = this.handshakeHeader;
		if ((header[0] & 0xff) != HANDSHAKE_TYPE_CLIENT_HELLO) {
			fail("the first handshake message is not a ClientHello");
			return false;
		}
		this.helloLength = ((header[1] & 0xff) << 16) | ((header[2] & 0xff) << 8) | (header[3] & 0xff);
		if (claimedLength() > this.maxSize) {
			tooLarge("the ClientHello claims " + this.helloLength + " bytes, more than " + this.maxSize
					+ " with its headers");
			return false;
		}
		if (this.helloLength == 0) {
			fail("the ClientHello is empty");
			return false;
		}
		return true;
	}

	/**
	 * Return the fewest bytes the client has claimed so far: to the end of the current record,
	 * and, once the ClientHello's length is known, to its end, with one more record header if
	 * it does not fit in the current record.
	 */
	private int claimedLength() {
		long claimed = this.recordEnd;
		if (this.helloLength >= 0) {
			long remaining = this.helloLength - this.helloBodyBytes;
			long inRecord = this.recordEnd - this.scanned;
			long end = (remaining <= inRecord) ? this.scanned + remaining
					: this.recordEnd + RECORD_HEADER_LENGTH + (remaining - inRecord);
			claimed = Math.max(claimed, end);
		}
		return (int) Math.min(Integer.MAX_VALUE, claimed);
	}

	private void complete() {
		byte[] hello = helloBody();
		try {
			parse(ByteBuffer.wrap(hello));
			this.status = Status.COMPLETE;
		}
		catch (RuntimeException ex) {
			fail("the ClientHello is malformed");
		}
	}

	/**
	 * Return the ClientHello's body, gathered from the fragments of its records.
	 */
	private byte[] helloBody() {
		byte[] body = new byte[this.helloLength];
		int copied = 0;
		int skip = HANDSHAKE_HEADER_LENGTH;
		int at = 0;
		while (copied < body.length) {
			int length = ((this.received.get(at + 3) & 0xff) << 8) | (this.received.get(at + 4) & 0xff);
			int from = at + RECORD_HEADER_LENGTH;
			int fragmentEnd = from + length;
			int skipped = Math.min(skip, length);
			from += skipped;
			skip -= skipped;
			int count = Math.min(fragmentEnd - from, body.length - copied);
			this.received.get(from, body, copied, count);
			copied += count;
			at = fragmentEnd;
		}
		return body;
	}

	/**
	 * Take the SNI host name and the ALPN protocols from the ClientHello's body (RFC 8446,
	 * 4.1.2; RFC 6066, 3; RFC 7301, 3.1).
	 * @throws RuntimeException if a length runs past its vector
	 */
	private void parse(ByteBuffer hello) {
		skip(hello, 2 + 32);
		skip(hello, hello.get() & 0xff);
		skip(hello, hello.getShort() & 0xffff);
		skip(hello, hello.get() & 0xff);
		if (!hello.hasRemaining()) {
			return;
		}
		ByteBuffer extensions = slice(hello, hello.getShort() & 0xffff);
		while (extensions.hasRemaining()) {
			int type = extensions.getShort() & 0xffff;
			ByteBuffer data = slice(extensions, extensions.getShort() & 0xffff);
			if (type == EXTENSION_SERVER_NAME && this.serverName == null) {
				this.serverName = hostName(slice(data, data.getShort() & 0xffff));
			}
			else if (type == EXTENSION_ALPN) {
				this.applicationProtocols = protocols(slice(data, data.getShort() & 0xffff));
			}
		}
	}

	private static String hostName(ByteBuffer names) {
		while (names.hasRemaining()) {
			int nameType = names.get() & 0xff;
			ByteBuffer name = slice(names, names.getShort() & 0xffff);
			if (nameType == 0) {
				byte[] bytes = new byte[name.remaining()];
				name.get(bytes);
				return new String(bytes, StandardCharsets.ISO_8859_1).toLowerCase(Locale.ROOT);
			}
		}
		return null;
	}

	private static List<String> protocols(ByteBuffer list) {
		List<String> protocols = new ArrayList<>(4);
		while (list.hasRemaining()) {
			ByteBuffer name = slice(list, list.get() & 0xff);
			byte[] bytes = new byte[name.remaining()];
			name.get(bytes);
			protocols.add(new String(bytes, StandardCharsets.ISO_8859_1));
		}
		return List.copyOf(protocols);
	}

	private static ByteBuffer slice(ByteBuffer buffer, int length) {
		ByteBuffer slice = buffer.slice(buffer.position(), length);
		buffer.position(buffer.position() + length);
		return slice;
	}

	private static void skip(ByteBuffer buffer, int length) {
		buffer.position(buffer.position() + length);
	}

	private void fail(String problem) {
		this.status = Status.FAILED;
		this.problem = problem;
	}

	private void tooLarge(String problem) {
		this.status = Status.TOO_LARGE;
		this.problem = problem;
	}

}
