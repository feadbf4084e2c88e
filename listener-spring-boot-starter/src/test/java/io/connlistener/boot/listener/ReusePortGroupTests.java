package io.connlistener.boot.listener;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.testsupport.EchoGreeterConfiguration;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.testsupport.Figures;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for a listener's share of its port's {@code SO_REUSEPORT} group when a socket that
 * is not its own joins the group, as any socket of the same user may on Linux.
 */
@Timeout(60)
class ReusePortGroupTests {

	private static final int CONNECTIONS = 300;

	/**
	 * The kernel picks a socket of the group by a hash of each connection's addresses and
	 * ports, so each of three sockets gets Binomial(300, 1/3) connections: mean 100, standard
	 * deviation 8.2. The exact tails outside 50..150 sum to 3 in 10^9 for the three.
	 */
	private static final int LEAST_SHARE = 50;

	private static final int MOST_SHARE = 150;

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(EchoGreeterConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.listeners.echo.address=127.0.0.1",
				"conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.acceptors=2");

	/**
	 * Loopback stands in for 0.0.0.0, which a test must not open: Linux looks a connection's
	 * listener up among the sockets bound to its destination address, then among those bound
	 * to the wildcard, by the same rule in both. That rule ranks an IPv4 socket above an IPv6
	 * (dual-stack) one, and a group holds sockets of one family, so a foreign IPv4 socket took
	 * every connection from our acceptors while they were dual-stack, on either address.
	 */
	@Test
	void foreignIpv4SocketInTheGroupTakesOnlyItsShare() {
		this.contextRunner.run((context) -> {
			ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
			int port = ((InetSocketAddress) echo.localAddress()).getPort();
			List<LoopbackClient> clients = new ArrayList<>();
			try (ServerSocketChannel foreign = ServerSocketChannel.open(StandardProtocolFamily.INET)) {
				foreign.setOption(StandardSocketOptions.SO_REUSEPORT, true);
				foreign.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), port), CONNECTIONS);
				foreign.configureBlocking(false);
				for (int i = 0; i < CONNECTIONS; i++) {
					clients.add(LoopbackClient.connect(echo.localAddress()));
				}
				// Every connect has completed its handshake: each connection waits in one of
				// the three queues, and clients stay open so that none leaves a queue unaccepted.
				AtomicLong foreignShare = new AtomicLong();
				await().until(() -> {
					for (SocketChannel accepted; (accepted = foreign.accept()) != null;) {
						accepted.close();
						foreignShare.incrementAndGet();
					}
					return echo.accepted(0) + echo.accepted(1) + foreignShare.get() == CONNECTIONS;
				});
				List<Long> shares = List.of(echo.accepted(0), echo.accepted(1), foreignShare.get());
				Figures.record("reuseport-spread",
						"%d connections to 127.0.0.1:%d, acceptors 2 and a foreign IPv4 SO_REUSEPORT socket: %d, %d, %d",
						CONNECTIONS, port, shares.get(0), shares.get(1), shares.get(2));
				assertThat(shares).allSatisfy((share) -> assertThat(share).isBetween((long) LEAST_SHARE, (long) MOST_SHARE));
			}
			finally {
				clients.forEach(LoopbackClient::close);
			}
		});
	}

}
