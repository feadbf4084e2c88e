package io.connlistener;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.util.EnumSet;
import java.util.Optional;
import java.util.Set;

import io.connlistener.internal.accept.ListenerSockets;
import io.connlistener.loop.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@link ListenerSockets}: the family of the socket a listener binds, as the
 * kernel lists it.
 */
@Timeout(60)
class ListenerSocketsTests {

	private static final Set<ListenerOption> CLOSE_ON_FREE = EnumSet.of(ListenerOption.CLOSE_ON_FREE);

	private final EventLoop loop = new EventLoop("sockets-test");

	@AfterEach
	void close() {
		this.loop.close();
	}

	@Test
	void ipv4AddressIsBoundByAnIpv4Socket() throws Exception {
		// A dual-stack socket bound to 127.0.0.1 is listed in tcp6, as ::ffff:127.0.0.1.
		assertThat(boundTable(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0))).isEqualTo("tcp");
	}

	@Test
	void ipv6AddressIsBoundByAnIpv6Socket() throws Exception {
		assertThat(boundTable(new InetSocketAddress(InetAddress.getByName("::1"), 0))).isEqualTo("tcp6");
	}

	private String boundTable(InetSocketAddress address) throws Exception {
		try (ConnListener listener = ConnListener.bind(this.loop, address, null, CLOSE_ON_FREE, -1)) {
			Optional<String> table = Loopback.listenTable(Loopback.port(listener));
			assumeThat(table).as("the kernel lists listening sockets in /proc/net").isPresent();
			return table.get();
		}
	}

}
