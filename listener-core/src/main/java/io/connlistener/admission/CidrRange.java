package io.connlistener.admission;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.UnknownHostException;
import java.util.Arrays;
import java.util.Objects;

/**
 * A block of IPv4 or IPv6 addresses in CIDR notation, such as {@code 10.0.0.0/8} or
 * {@code 2001:db8::/32}. Immutable and thread-safe.
 * <p>
 * Parsing never looks a name up: only address literals are accepted. A range is strict: the
 * address must be the first of its block ({@code 10.0.0.1/8} is refused, so that a typo such
 * as {@code 192.168.1.0/16} for {@code /24} does not silently widen a rule). A bare address
 * is a block of one ({@code /32} or {@code /128}). An IPv4-mapped IPv6 range
 * ({@code ::ffff:10.0.0.0/104}) is the IPv4 range it maps ({@code 10.0.0.0/8}), and an
 * IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) is matched as the IPv4 address, so a
 * client reaching a dual-stack listener over IPv4 matches IPv4 ranges. An IPv4 range never
 * contains an IPv6 address, nor the other way round.
 */
public final class CidrRange {

	private static final int MAPPED_PREFIX = 96;

	private final byte[] network;

	private final int prefixLength;

	private CidrRange(byte[] network, int prefixLength) {
		this.network = network;
		this.prefixLength = prefixLength;
	}

	/**
	 * Parse a range in CIDR notation ({@code 10.0.0.0/8}, {@code ::1/128}) or a single
	 * address ({@code 127.0.0.1}).
	 * @param text the range
	 * @return the range
	 * @throws IllegalArgumentException if the text is not an address literal, the prefix
	 * length is out of range, or the address has bits set beyond the prefix
	 */
	public static CidrRange parse(String text) {
		Objects.requireNonNull(text, "'text' must not be null");
		String trimmed = text.strip();
		int slash = trimmed.indexOf('/');
		String addressText = (slash >= 0) ? trimmed.substring(0, slash) : trimmed;
		InetAddress address = parseAddress(addressText, text);
		boolean mapped = address instanceof Inet4Address && addressText.indexOf(':') >= 0;
		int bits = (address instanceof Inet4Address) ? 32 : 128;
		int textBits = mapped ? 128 : bits;
		int prefixLength = (slash >= 0) ? parsePrefix(trimmed.substring(slash + 1), textBits, text) : textBits;
		if (mapped) {
			if (prefixLength < MAPPED_PREFIX) {
				throw new IllegalArgumentException("Invalid CIDR range '" + text + "': an IPv4-mapped range needs a prefix "
						+ "length of at least " + MAPPED_PREFIX + ", not " + prefixLength);
			}
			prefixLength -= MAPPED_PREFIX;
		}
		byte[] network = address.getAddress();
		if (!Arrays.equals(network, mask(network, prefixLength))) {
			throw new IllegalArgumentException("Invalid CIDR range '" + text + "': the address has bits set beyond the /"
					+ prefixLength + " prefix; did you mean '" + format(mask(network, prefixLength), prefixLength) + "'?");
		}
		return new CidrRange(network, prefixLength);
	}

	/**
	 * Return whether the range contains an address. An IPv4-mapped IPv6 address is matched
	 * as the IPv4 address it maps.
	 * @param address the address
	 * @return {@code true} if the address is in the range
	 */
	public boolean contains(InetAddress address) {
		Objects.requireNonNull(address, "'address' must not be null");
		return contains(normalize(address).getAddress());
	}

	/**
	 * Return whether the range contains a normalized address given as its bytes (4 for IPv4,
	 * 16 for IPv6); used on the loop thread to match one address against many ranges
	 * without copying it again.
	 * @param address the address's bytes, normalized as {@link #normalize} does
	 * @return {@code true} if the range contains it
	 */
	public boolean contains(byte[] address) {
		if (address.length != this.network.length) {
			return false;
		}
		int fullBytes = this.prefixLength / 8;
		for (int i = 0; i < fullBytes; i++) {
			if (address[i] != this.network[i]) {
				return false;
			}
		}
		int remainingBits = this.prefixLength % 8;
		if (remainingBits == 0) {
			return true;
		}
		int mask = (0xff << (8 - remainingBits)) & 0xff;
		return (address[fullBytes] & mask) == (this.network[fullBytes] & mask);
	}

	/**
	 * Return the address an IPv4-mapped IPv6 address ({@code ::ffff:a.b.c.d}) maps, or the
	 * address itself.
	 * @param address the address
	 * @return an {@link Inet4Address} for an IPv4 or IPv4-mapped address, else the address
	 */
	public static InetAddress normalize(InetAddress address) {
		Objects.requireNonNull(address, "'address' must not be null");
		if (address instanceof Inet6Address) {
			byte[] bytes = address.getAddress();
			if (isMapped(bytes)) {
				try {
					return InetAddress.getByAddress(Arrays.copyOfRange(bytes, 12, 16));
				}
				catch (UnknownHostException ex) {
					throw new IllegalStateException(ex);
				}
			}
		}
		return address;
	}

	/**
	 * Return the first address of the range.
	 * @return the network address
	 */
	public InetAddress network() {
		try {
			return InetAddress.getByAddress(this.network);
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the prefix length: 0–32 for IPv4, 0–128 for IPv6.
	 * @return the prefix length
	 */
	public int prefixLength() {
		return this.prefixLength;
	}

	/**
	 * Return whether this is an IPv4 range.
	 * @return {@code true} for IPv4, {@code false} for IPv6
	 */
	public boolean isIpv4() {
		return this.network.length == 4;
	}

	private static boolean isMapped(byte[] bytes) {
		for (int i = 0; i < 10; i++) {
			if (bytes[i] != 0) {
				return false;
			}
		}
		return bytes[10] == (byte) 0xff && bytes[11] == (byte) 0xff;
	}

	private static InetAddress parseAddress(String addressText, String text) {
		if (addressText.isEmpty()) {
			throw new IllegalArgumentException("Invalid CIDR range '" + text + "': no address before the prefix");
		}
		// Only literals: InetAddress.getByName would look anything else up in the DNS.
		if (addressText.indexOf(':') < 0 && !isIpv4Literal(addressText)) {
			throw new IllegalArgumentException(
					"Invalid CIDR range '" + text + "': '" + addressText + "' is not an IPv4 or IPv6 address");
		}
		if (addressText.indexOf(':') >= 0 && !addressText.matches("[0-9A-Fa-f:.]+")) {
			throw new IllegalArgumentException(
					"Invalid CIDR range '" + text + "': '" + addressText + "' is not an IPv6 address");
		}
		try {
			return InetAddress.getByName(addressText);
		}
		catch (UnknownHostException ex) {
			throw new IllegalArgumentException(
					"Invalid CIDR range '" + text + "': '" + addressText + "' is not an IPv4 or IPv6 address", ex);
		}
	}

	private static boolean isIpv4Literal(String text) {
		String[] parts = text.split("\\.", -1);
		if (parts.length != 4) {
			return false;
		}
		for (String part : parts) {
			if (part.isEmpty() || part.length() > 3 || !part.chars().allMatch(Character::isDigit)
					|| Integer.parseInt(part) > 255) {
				return false;
			}
		}
		return true;
	}

	private static int parsePrefix(String prefixText, int bits, String text) {
		if (prefixText.isEmpty() || prefixText.length() > 3 || !prefixText.chars().allMatch(Character::isDigit)) {
			throw new IllegalArgumentException("Invalid CIDR range '" + text + "': the prefix length '" + prefixText
					+ "' must be a number from 0 to " + bits);
		}
		int prefixLength = Integer.parseInt(prefixText);
		if (prefixLength > bits) {
			throw new IllegalArgumentException("Invalid CIDR range '" + text + "': the prefix length " + prefixLength
					+ " must be from 0 to " + bits);
		}
		return prefixLength;
	}

	private static byte[] mask(byte[] address, int prefixLength) {
		byte[] masked = address.clone();
		for (int i = 0; i < masked.length; i++) {
			int keep = Math.max(0, Math.min(8, prefixLength - i * 8));
			masked[i] &= (byte) ((0xff << (8 - keep)) & 0xff);
		}
		return masked;
	}

	private static String format(byte[] network, int prefixLength) {
		try {
			return InetAddress.getByAddress(network).getHostAddress() + "/" + prefixLength;
		}
		catch (UnknownHostException ex) {
			throw new IllegalStateException(ex);
		}
	}

	@Override
	public boolean equals(Object other) {
		return (this == other) || (other instanceof CidrRange range && this.prefixLength == range.prefixLength
				&& Arrays.equals(this.network, range.network));
	}

	@Override
	public int hashCode() {
		return 31 * Arrays.hashCode(this.network) + this.prefixLength;
	}

	/**
	 * Return the range in CIDR notation, such as {@code 10.0.0.0/8}; IPv6 in the JDK's
	 * full form ({@code 0:0:0:0:0:0:0:1/128}).
	 */
	@Override
	public String toString() {
		return format(this.network, this.prefixLength);
	}

}
