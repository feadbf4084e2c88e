package io.connlistener.proxy;

import java.io.ByteArrayOutputStream;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.zip.CRC32C;

/**
 * Builds PROXY protocol headers for tests, as a proxy would send them.
 */
public final class ProxyHeaders {

	/** Version 2, PROXY command. */
	public static final int PROXY = 0x21;

	/** Version 2, LOCAL command. */
	public static final int LOCAL = 0x20;

	/** AF_INET over STREAM. */
	public static final int TCP4 = 0x11;

	/** AF_INET6 over STREAM. */
	public static final int TCP6 = 0x21;

	/** AF_UNIX over STREAM. */
	public static final int UNIX_STREAM = 0x31;

	/** AF_UNSPEC. */
	public static final int UNSPEC = 0x00;

	private static final byte[] SIGNATURE = { 0x0D, 0x0A, 0x0D, 0x0A, 0x00, 0x0D, 0x0A, 0x51, 0x55, 0x49, 0x54, 0x0A };

	private ProxyHeaders() {
	}

	/**
	 * Return a version 1 line with its CRLF.
	 */
	public static byte[] v1(String line) {
		return (line + "\r\n").getBytes(StandardCharsets.US_ASCII);
	}

	/**
	 * Return a version 2 header whose length field counts the addresses and extensions.
	 */
	public static byte[] v2(int versionAndCommand, int familyAndTransport, byte[] addresses, byte[]... extensions) {
		ByteArrayOutputStream block = new ByteArrayOutputStream();
		block.writeBytes(addresses);
		for (byte[] extension : extensions) {
			block.writeBytes(extension);
		}
		return v2Raw(versionAndCommand, familyAndTransport, block.size(), block.toByteArray());
	}

	/**
	 * Return a version 2 header with a length field that may not match the block.
	 */
	public static byte[] v2Raw(int versionAndCommand, int familyAndTransport, int length, byte[] block) {
		ByteArrayOutputStream header = new ByteArrayOutputStream();
		header.writeBytes(SIGNATURE);
		header.write(versionAndCommand);
		header.write(familyAndTransport);
		header.write(length >> 8);
		header.write(length);
		header.writeBytes(block);
		return header.toByteArray();
	}

	/**
	 * Return a version 2 header ending with a CRC32C extension that matches it.
	 */
	public static byte[] v2WithCrc32c(int versionAndCommand, int familyAndTransport, byte[] addresses,
			byte[]... extensions) {
		byte[][] all = new byte[extensions.length + 1][];
		System.arraycopy(extensions, 0, all, 0, extensions.length);
		all[extensions.length] = tlv(0x03, new byte[4]);
		byte[] header = v2(versionAndCommand, familyAndTransport, addresses, all);
		CRC32C crc = new CRC32C();
		crc.update(header);
		ByteBuffer.wrap(header, header.length - 4, 4).putInt((int) crc.getValue());
		return header;
	}

	/**
	 * Return one type-length-value extension.
	 */
	public static byte[] tlv(int type, byte[] value) {
		ByteBuffer tlv = ByteBuffer.allocate(3 + value.length);
		tlv.put((byte) type).putShort((short) value.length).put(value);
		return tlv.array();
	}

	/**
	 * Return the address block of AF_INET or AF_INET6.
	 */
	public static byte[] inet(String source, String destination, int sourcePort, int destinationPort) {
		byte[] src = address(source);
		byte[] dst = address(destination);
		ByteBuffer block = ByteBuffer.allocate(src.length * 2 + 4);
		block.put(src).put(dst).putShort((short) sourcePort).putShort((short) destinationPort);
		return block.array();
	}

	/**
	 * Return the address block of AF_UNIX: two NUL-padded 108-byte paths.
	 */
	public static byte[] unix(String source, String destination) {
		byte[] block = new byte[216];
		byte[] src = source.getBytes(StandardCharsets.UTF_8);
		byte[] dst = destination.getBytes(StandardCharsets.UTF_8);
		System.arraycopy(src, 0, block, 0, src.length);
		System.arraycopy(dst, 0, block, 108, dst.length);
		return block;
	}

	/**
	 * Return the bytes of headers followed by application data.
	 */
	public static byte[] concat(byte[]... parts) {
		ByteArrayOutputStream all = new ByteArrayOutputStream();
		for (byte[] part : parts) {
			all.writeBytes(part);
		}
		return all.toByteArray();
	}

	private static byte[] address(String literal) {
		try {
			byte[] bytes = InetAddress.getByName(literal).getAddress();
			if (literal.contains(":") && bytes.length == 4) {
				// The JDK turns ::ffff:a.b.c.d into IPv4; a proxy would send 16 bytes.
				byte[] mapped = new byte[16];
				mapped[10] = (byte) 0xFF;
				mapped[11] = (byte) 0xFF;
				System.arraycopy(bytes, 0, mapped, 12, 4);
				return mapped;
			}
			return bytes;
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(ex);
		}
	}

}
