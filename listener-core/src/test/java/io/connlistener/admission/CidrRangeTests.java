package io.connlistener.admission;

import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

class CidrRangeTests {

	@Test
	void ipv4RangeContainsItsAddressesOnly() throws Exception {
		CidrRange range = CidrRange.parse("10.0.0.0/8");
		assertThat(range.isIpv4()).isTrue();
		assertThat(range.prefixLength()).isEqualTo(8);
		assertThat(range.network()).isEqualTo(InetAddress.getByName("10.0.0.0"));
		assertThat(range.contains(InetAddress.getByName("10.0.0.0"))).isTrue();
		assertThat(range.contains(InetAddress.getByName("10.255.255.255"))).isTrue();
		assertThat(range.contains(InetAddress.getByName("11.0.0.0"))).isFalse();
		assertThat(range.contains(InetAddress.getByName("9.255.255.255"))).isFalse();
	}

	@Test
	void prefixThatIsNotAMultipleOfEightMatchesBitByBit() throws Exception {
		CidrRange range = CidrRange.parse("192.168.4.0/22");
		assertThat(range.contains(InetAddress.getByName("192.168.4.1"))).isTrue();
		assertThat(range.contains(InetAddress.getByName("192.168.7.255"))).isTrue();
		assertThat(range.contains(InetAddress.getByName("192.168.8.0"))).isFalse();
		assertThat(range.contains(InetAddress.getByName("192.168.3.255"))).isFalse();
	}

	@Test
	void bareAddressIsARangeOfOne() throws Exception {
		CidrRange ipv4 = CidrRange.parse("127.0.0.2");
		assertThat(ipv4.prefixLength()).isEqualTo(32);
		assertThat(ipv4.contains(InetAddress.getByName("127.0.0.2"))).isTrue();
		assertThat(ipv4.contains(InetAddress.getByName("127.0.0.1"))).isFalse();
		CidrRange ipv6 = CidrRange.parse("::1");
		assertThat(ipv6.prefixLength()).isEqualTo(128);
		assertThat(ipv6.contains(InetAddress.getByName("::1"))).isTrue();
		assertThat(ipv6.contains(InetAddress.getByName("::2"))).isFalse();
	}

	@Test
	void zeroPrefixContainsEveryAddressOfItsFamilyOnly() throws Exception {
		assertThat(CidrRange.parse("0.0.0.0/0").contains(InetAddress.getByName("203.0.113.9"))).isTrue();
		assertThat(CidrRange.parse("0.0.0.0/0").contains(InetAddress.getByName("::1"))).isFalse();
		assertThat(CidrRange.parse("::/0").contains(InetAddress.getByName("2001:db8::1"))).isTrue();
		assertThat(CidrRange.parse("::/0").contains(InetAddress.getByName("127.0.0.1"))).isFalse();
	}

	@Test
	void ipv6RangeContainsItsAddressesOnly() throws Exception {
		CidrRange range = CidrRange.parse("2001:db8::/32");
		assertThat(range.isIpv4()).isFalse();
		assertThat(range.contains(InetAddress.getByName("2001:db8:ffff::1"))).isTrue();
		assertThat(range.contains(InetAddress.getByName("2001:db9::1"))).isFalse();
		assertThat(CidrRange.parse("fe80::/10").contains(InetAddress.getByName("febf::1"))).isTrue();
		assertThat(CidrRange.parse("fe80::/10").contains(InetAddress.getByName("fec0::1"))).isFalse();
	}

	@Test
	void ipv4MappedAddressIsMatchedAsIpv4() throws Exception {
		InetAddress mapped = Inet6Address.getByAddress(null,
				new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, (byte) 0xff, (byte) 0xff, 10, 1, 2, 3 }, -1);
		assertThat(mapped).isInstanceOf(Inet6Address.class);
		assertThat(CidrRange.normalize(mapped)).isInstanceOf(Inet4Address.class)
			.isEqualTo(InetAddress.getByName("10.1.2.3"));
		assertThat(CidrRange.parse("10.0.0.0/8").contains(mapped)).isTrue();
		assertThat(CidrRange.parse("::/0").contains(mapped)).isFalse();
		InetAddress ipv6 = InetAddress.getByName("2001:db8::1");
		assertThat(CidrRange.normalize(ipv6)).isSameAs(ipv6);
	}

	@Test
	void ipv4MappedRangeIsTheIpv4RangeItMaps() {
		assertThat(CidrRange.parse("::ffff:10.0.0.0/104")).isEqualTo(CidrRange.parse("10.0.0.0/8"));
		assertThat(CidrRange.parse("::ffff:127.0.0.1")).isEqualTo(CidrRange.parse("127.0.0.1/32"));
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("::ffff:10.0.0.0/64"))
			.withMessage("Invalid CIDR range '::ffff:10.0.0.0/64': an IPv4-mapped range needs a prefix length of "
					+ "at least 96, not 64");
	}

	@Test
	void prefixBeyondTheAddressLengthIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("10.0.0.0/33"))
			.withMessage("Invalid CIDR range '10.0.0.0/33': the prefix length 33 must be from 0 to 32");
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("::/129"))
			.withMessage("Invalid CIDR range '::/129': the prefix length 129 must be from 0 to 128");
	}

	@Test
	void prefixThatIsNotANumberIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("10.0.0.0/-1"))
			.withMessage("Invalid CIDR range '10.0.0.0/-1': the prefix length '-1' must be a number from 0 to 32");
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("10.0.0.0/"))
			.withMessage("Invalid CIDR range '10.0.0.0/': the prefix length '' must be a number from 0 to 32");
	}

	@Test
	void hostNameIsRefusedWithoutBeingLookedUp() {
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("not-an-ip/8"))
			.withMessage("Invalid CIDR range 'not-an-ip/8': 'not-an-ip' is not an IPv4 or IPv6 address");
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("localhost"))
			.withMessage("Invalid CIDR range 'localhost': 'localhost' is not an IPv4 or IPv6 address");
	}

	@Test
	void malformedAddressIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("256.0.0.0/8"))
			.withMessageContaining("'256.0.0.0' is not an IPv4 or IPv6 address");
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("10.0.0/8"))
			.withMessageContaining("'10.0.0' is not an IPv4 or IPv6 address");
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("1:2:3/48"))
			.withMessageContaining("'1:2:3' is not an IPv4 or IPv6 address");
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("fe80::1%eth0"))
			.withMessageContaining("'fe80::1%eth0' is not an IPv6 address");
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("/8"))
			.withMessage("Invalid CIDR range '/8': no address before the prefix");
	}

	@Test
	void hostBitsBeyondThePrefixAreRefusedWithTheNetworkSuggested() {
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("10.0.0.1/8"))
			.withMessage("Invalid CIDR range '10.0.0.1/8': the address has bits set beyond the /8 prefix; "
					+ "did you mean '10.0.0.0/8'?");
		assertThatIllegalArgumentException().isThrownBy(() -> CidrRange.parse("2001:db8::1/32"))
			.withMessageContaining("did you mean '2001:db8:0:0:0:0:0:0/32'?");
	}

	@Test
	void equalRangesAreEqualAndPrintInCidrNotation() {
		assertThat(CidrRange.parse(" 10.0.0.0/8 ")).isEqualTo(CidrRange.parse("10.0.0.0/8"))
			.hasSameHashCodeAs(CidrRange.parse("10.0.0.0/8"));
		assertThat(CidrRange.parse("10.0.0.0/8")).isNotEqualTo(CidrRange.parse("10.0.0.0/16"));
		assertThat(CidrRange.parse("10.0.0.0/8")).hasToString("10.0.0.0/8");
		assertThat(CidrRange.parse("::1")).hasToString("0:0:0:0:0:0:0:1/128");
		assertThat(AdmissionRule.deny("127.0.0.2")).hasToString("deny 127.0.0.2/32");
	}

}
