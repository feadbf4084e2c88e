package io.connlistener;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.connlistener.admission.AdmissionSettings;
import io.connlistener.loop.EventLoop;
import io.connlistener.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Admission control on real loopback sockets: clients on 127.0.0.1, 127.0.0.2 (a client
 * socket bound to it, which Linux routes over loopback) and ::1.
 */
@Timeout(60)
class AdmissionControlTests {

	private static final InetSocketAddress DUAL_STACK_ANY_PORT = new InetSocketAddress("::", 0);

	@RegisterExtension
	final LogCapture log = LogCapture.julLoggers("io.connlistener");

	private final EventLoop loop = new EventLoop("admission-test");

	private final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();

	private final List<AutoCloseable> closeables = new ArrayList<>();

	private ConnListener listener;

	@TempDir
	Path tempDir;

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
		for (Accepted connection : this.accepted) {
			connection.channel().close();
		}
		if (this.listener != null) {
			this.listener.close();
		}
		this.loop.close();
	}

	@Test
	void firstMatchingRuleDecidesAndAnAllowListDeniesEveryoneElse() throws Exception {
		this.listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE)
			.deny("127.0.0.2/32")
			.allow("127.0.0.0/8")
			.callback(this::record)
			.bind(DUAL_STACK_ANY_PORT);
		Socket fromOne = connect("127.0.0.1", "127.0.0.1");
		Socket fromTwo = connect("127.0.0.2", "127.0.0.1");
		Socket fromIpv6 = connect("::1", "::1");

		assertThat(fromTwo.getInputStream().read()).as("127.0.0.2, denied by the first rule").isEqualTo(-1);
		assertThat(fromIpv6.getInputStream().read()).as("::1, matched by no rule").isEqualTo(-1);
		assertThat(next().remote()).isEqualTo(fromOne.getLocalSocketAddress());
		await().until(() -> this.listener.stats().accepted() == 3);
		assertThat(this.accepted).as("the callback never sees a denied connection").isEmpty();
		assertThat(this.listener.stats().rejectionsByReason()).containsEntry(RejectionReason.DENIED, 2L)
			.containsEntry(RejectionReason.PER_IP_LIMIT, 0L)
			.containsEntry(RejectionReason.RATE_LIMIT, 0L);
		assertThat(this.listener.stats().activeConnections()).isEqualTo(1);
		assertThat(this.listener.isAccepting()).isTrue();
	}

	@Test
	void denyListAloneAdmitsEveryoneItDoesNotMatch() throws Exception {
		this.listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE)
			.deny("127.0.0.2")
			.callback(this::record)
			.bind(DUAL_STACK_ANY_PORT);
		assertOnly127002IsDenied();
	}

	@Test
	void ipv4ClientOfADualStackListenerMatchesIpv4MappedRules() throws Exception {
		this.listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE)
			.deny("::ffff:127.0.0.2/128")
			.allow("::ffff:127.0.0.0/104")
			.allow("::1")
			.callback(this::record)
			.bind(DUAL_STACK_ANY_PORT);
		assertOnly127002IsDenied();
	}

	/**
	 * Connect from 127.0.0.1, 127.0.0.2 and ::1, and check that only 127.0.0.2 was refused.
	 */
	private void assertOnly127002IsDenied() throws Exception {
		Socket fromOne = connect("127.0.0.1", "127.0.0.1");
		Socket fromTwo = connect("127.0.0.2", "127.0.0.1");
		Socket fromIpv6 = connect("::1", "::1");

		assertThat(fromTwo.getInputStream().read()).isEqualTo(-1);
		assertThat(List.of(next().remote(), next().remote())).containsExactlyInAnyOrder(fromOne.getLocalSocketAddress(),
				fromIpv6.getLocalSocketAddress());
		assertThat(this.listener.stats().rejections(RejectionReason.DENIED)).isEqualTo(1);
	}

	@Test
	void deniedConnectionIsClosedBeforeTheDeferredAcceptWait() throws Exception {
		this.listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE, ListenerOption.DEFERRED_ACCEPT)
			.deny("127.0.0.1")
			.callback(this::record)
			.bind(Loopback.ANY_PORT);
		Socket client = connect("127.0.0.1", "127.0.0.1");
		// Silent, so a connection held for the deferred wait would not end before the read times out.
		assertThat(client.getInputStream().read()).isEqualTo(-1);
		assertThat(this.listener.stats().rejections(RejectionReason.DENIED)).isEqualTo(1);
		assertThat(this.listener.stats().rejections(RejectionReason.DEFERRED_ACCEPT_TIMEOUT)).isZero();
	}

	@Test
	void unixDomainConnectionsBypassAddressRules() throws Exception {
		UnixDomainSocketAddress address = UnixDomainSocketAddress.of(this.tempDir.resolve("admission.sock"));
		this.listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE)
			.allow("10.0.0.0/8")
			.maxConnectionsPerIp(1)
			.callback(this::record)
			.bind(address);
		for (int i = 0; i < 2; i++) {
			SocketChannel client = SocketChannel.open(StandardProtocolFamily.UNIX);
			this.closeables.add(client);
			client.connect(address);
		}
		next();
		next();
		assertThat(this.listener.stats().rejectionsByReason().values()).containsOnly(0L);
		assertThat(Files.exists(address.getPath())).isTrue();
	}

	@Test
	void perIpCapClosesTheConnectionOverTheCapAndCountsCloseReportsWithTheAddress() throws Exception {
		this.listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE)
			.maxConnectionsPerIp(2)
			.callback(this::record)
			.bind(Loopback.ANY_PORT);
		connect("127.0.0.1", "127.0.0.1");
		connect("127.0.0.1", "127.0.0.1");
		Accepted first = next();
		next();
		Socket third = connect("127.0.0.1", "127.0.0.1");
		assertThat(third.getInputStream().read()).as("third from 127.0.0.1").isEqualTo(-1);
		assertThat(this.listener.stats().rejections(RejectionReason.PER_IP_LIMIT)).isEqualTo(1);
		assertThat(this.listener.connectionCounts().openFrom(InetAddress.getByName("127.0.0.1"))).isEqualTo(2);

		Socket other = connect("127.0.0.2", "127.0.0.1");
		assertThat(next().remote()).as("first from 127.0.0.2").isEqualTo(other.getLocalSocketAddress());

		first.channel().close();
		this.listener.connectionClosed(first.remote());
		assertThat(this.listener.connectionCounts().openFrom(InetAddress.getByName("127.0.0.1"))).isEqualTo(1);
		Socket again = connect("127.0.0.1", "127.0.0.1");
		assertThat(next().remote()).as("127.0.0.1 after a close").isEqualTo(again.getLocalSocketAddress());
		assertThat(this.listener.stats().rejections(RejectionReason.PER_IP_LIMIT)).isEqualTo(1);
		assertThat(this.listener.stats().activeConnections()).isEqualTo(3);
	}

	@Test
	void perIpSlotIsGivenBackWhenTheCallbackThrows() throws Exception {
		this.listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE)
			.maxConnectionsPerIp(1)
			.callback((listener, channel, remote) -> {
				throw new IllegalStateException("test");
			})
			.bind(Loopback.ANY_PORT);
		for (int i = 1; i <= 3; i++) {
			assertThat(connect("127.0.0.1", "127.0.0.1").getInputStream().read()).isEqualTo(-1);
			long failed = i;
			await().until(() -> this.listener.stats().rejections(RejectionReason.CALLBACK_FAILED) == failed);
		}
		assertThat(this.listener.stats().rejections(RejectionReason.PER_IP_LIMIT)).isZero();
		assertThat(this.listener.connectionCounts().openFrom(InetAddress.getByName("127.0.0.1"))).isZero();
		assertThat(this.log.awaitEntries(Level.WARNING, "Accept callback of the listener on ", 3))
			.extracting((entry) -> entry.thrown().getMessage())
			.containsExactly("test", "test", "test");
	}

	@Test
	void rateLimitAdmitsExactlyTheBurstAndClosesTheRest() throws Exception {
		// One token every ten seconds: the burst is all a quick series of connects can get.
		this.listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE, ListenerOption.DISABLED)
			.acceptRateLimit(0.1, 3)
			.callback(this::record)
			.bind(Loopback.ANY_PORT);
		List<Socket> clients = new ArrayList<>();
		for (int i = 0; i < 8; i++) {
			clients.add(connect("127.0.0.1", "127.0.0.1"));
		}
		this.listener.enable();
		for (int i = 0; i < 3; i++) {
			assertThat(next().remote()).isEqualTo(clients.get(i).getLocalSocketAddress());
		}
		for (int i = 3; i < 8; i++) {
			assertThat(clients.get(i).getInputStream().read()).as("client %d", i).isEqualTo(-1);
		}
		assertThat(this.listener.stats().rejections(RejectionReason.RATE_LIMIT)).isEqualTo(5);
		assertThat(this.listener.stats().accepted()).isEqualTo(8);
		assertThat(this.accepted).isEmpty();
		assertThat(this.listener.isAccepting()).isTrue();
	}

	@Test
	void deniedConnectionsTakeNoToken() throws Exception {
		this.listener = ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE)
			.deny("127.0.0.2")
			.acceptRateLimit(0.1, 1)
			.callback(this::record)
			.bind(Loopback.ANY_PORT);
		for (int i = 0; i < 3; i++) {
			assertThat(connect("127.0.0.2", "127.0.0.1").getInputStream().read()).isEqualTo(-1);
		}
		Socket allowed = connect("127.0.0.1", "127.0.0.1");
		assertThat(next().remote()).isEqualTo(allowed.getLocalSocketAddress());
		assertThat(this.listener.stats().rejections(RejectionReason.DENIED)).isEqualTo(3);
		assertThat(this.listener.stats().rejections(RejectionReason.RATE_LIMIT)).isZero();
	}

	@Test
	void defaultsCheckNothingAndHoldASpareFileDescriptor() throws Exception {
		assertThat(AdmissionSettings.DEFAULTS.checksConnections()).isFalse();
		this.listener = ConnListener.builder(this.loop).callback(this::record).bind(Loopback.ANY_PORT);
		assertThat(this.listener.admission()).isEqualTo(AdmissionSettings.DEFAULTS);
		assertThat(this.listener.hasSpareFileDescriptor()).isEqualTo(Files.exists(Path.of("/dev/null")));
		this.listener.close();
		assertThat(this.listener.hasSpareFileDescriptor()).isFalse();
	}

	@Test
	void spareFileDescriptorCanBeTurnedOff() throws Exception {
		this.listener = ConnListener.builder(this.loop).spareFileDescriptor(false).bind(Loopback.ANY_PORT);
		assertThat(this.listener.hasSpareFileDescriptor()).isFalse();
		assertThat(this.listener.admission().spareFileDescriptor()).isFalse();
	}

	@Test
	void settingsAreCheckedAndTheBurstDefaultsToOneSecondsWorth() {
		assertThat(new AdmissionSettings(List.of(), 0, 2.5, 0, true).acceptBurst()).isEqualTo(3);
		assertThat(new AdmissionSettings(List.of(), 0, 0.1, 0, true).acceptBurst()).isEqualTo(1);
		assertThat(new AdmissionSettings(List.of(), 0, 0, 0, true).checksConnections()).isFalse();
		assertThat(new AdmissionSettings(List.of(), 1, 0, 0, true).checksConnections()).isTrue();
		assertThatIllegalArgumentException().isThrownBy(() -> new AdmissionSettings(List.of(), -1, 0, 0, true))
			.withMessage("'maxConnectionsPerIp' must be 0 (no cap) or more, not -1");
		assertThatIllegalArgumentException().isThrownBy(() -> new AdmissionSettings(List.of(), 0, Double.NaN, 0, true))
			.withMessageContaining("'acceptsPerSecond' must be 0 (no limit) or more");
		assertThatIllegalArgumentException().isThrownBy(() -> new AdmissionSettings(List.of(), 0, 1, -1, true))
			.withMessage("'acceptBurst' must be 0 (one second's worth) or more, not -1");
		assertThatIllegalArgumentException().isThrownBy(() -> ConnListener.builder(this.loop).deny("10.0.0.0/33"))
			.withMessageContaining("the prefix length 33 must be from 0 to 32");
	}

	private Socket connect(String from, String to) {
		try {
			Socket socket = new Socket();
			this.closeables.add(socket);
			socket.bind(new InetSocketAddress(from, 0));
			socket.connect(new InetSocketAddress(to, Loopback.port(this.listener)), 5000);
			socket.setSoTimeout(10_000);
			return socket;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private void record(ConnListener listener, SocketChannel channel, SocketAddress remote) {
		this.accepted.add(new Accepted(channel, remote));
	}

	private Accepted next() throws InterruptedException {
		Accepted next = this.accepted.poll(10, TimeUnit.SECONDS);
		assertThat(next).as("accepted connection").isNotNull();
		return next;
	}

	private record Accepted(SocketChannel channel, SocketAddress remote) {
	}

}
