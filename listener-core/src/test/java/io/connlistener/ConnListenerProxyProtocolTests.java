package io.connlistener;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.SocketException;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.Channels;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;

import io.connlistener.buffer.BufferedConnections;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;
import io.connlistener.proxy.ProxyHeaders;
import io.connlistener.proxy.ProxyProtocolMode;
import io.connlistener.proxy.ProxyProtocolSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static io.connlistener.proxy.ProxyHeaders.LOCAL;
import static io.connlistener.proxy.ProxyHeaders.PROXY;
import static io.connlistener.proxy.ProxyHeaders.TCP4;
import static io.connlistener.proxy.ProxyHeaders.TCP6;
import static io.connlistener.proxy.ProxyHeaders.UNSPEC;
import static io.connlistener.proxy.ProxyHeaders.concat;
import static io.connlistener.proxy.ProxyHeaders.inet;
import static io.connlistener.proxy.ProxyHeaders.tlv;
import static io.connlistener.proxy.ProxyHeaders.v1;
import static io.connlistener.proxy.ProxyHeaders.v2;
import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * Tests for a {@link ConnListener} that requires a PROXY protocol header, on real loopback
 * sockets: the callback sees the client from the header and the bytes after it, and every
 * connection without a valid header from a trusted proxy is closed and counted.
 */
@Timeout(30)
class ConnListenerProxyProtocolTests {

	private static final byte[] HELLO = "hello".getBytes(StandardCharsets.US_ASCII);

	private static final InetSocketAddress CLIENT = new InetSocketAddress("203.0.113.7", 51234);

	private final EventLoop loop = new EventLoop("proxy-test");

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final BlockingQueue<AcceptedConnection> accepted = new LinkedBlockingQueue<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
		for (AcceptedConnection connection : this.accepted) {
			connection.channel().close();
		}
		this.loop.close();
	}

	@Test
	void v1HeaderGivesTheCallbackTheClientAddressAndTheBytesAfterTheHeader() throws Exception {
		ConnListener listener = bind(proxied());
		Socket proxy = send(listener, v1("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443"), HELLO);
		AcceptedConnection connection = next();
		assertThat(connection.remoteAddress()).isEqualTo(CLIENT);
		assertThat(connection.proxyAddress()).isEqualTo(proxy.getLocalSocketAddress());
		assertThat(connection.peerAddress()).isEqualTo(proxy.getLocalSocketAddress());
		assertThat(connection.proxyHeader().version()).isEqualTo(1);
		assertThat(connection.proxyHeader().destination()).isEqualTo(new InetSocketAddress("192.0.2.1", 443));
		assertThat(read(connection.channel(), HELLO.length)).isEqualTo(HELLO);
		assertThat(listener.stats().accepted()).isEqualTo(1);
		assertThat(listener.stats().activeConnections()).isEqualTo(1);
	}

	@Test
	void v2HeaderWithExtensionsGivesTheCallbackTheClientAddressAndTheBytesAfterTheHeader() throws Exception {
		ConnListener listener = bind(proxied());
		byte[] header = v2(PROXY, TCP6, inet("2001:db8::7", "2001:db8::1", 40000, 443), tlv(0x01, "h2".getBytes()),
				tlv(0x04, new byte[100]));
		send(listener, header, HELLO);
		AcceptedConnection connection = next();
		assertThat(connection.remoteAddress()).isEqualTo(new InetSocketAddress("2001:db8::7", 40000));
		assertThat(connection.proxyHeader().version()).isEqualTo(2);
		assertThat(read(connection.channel(), HELLO.length)).isEqualTo(HELLO);
	}

	@Test
	void headerArrivingInPiecesIsReadOnTheLoopAsItArrives() throws Exception {
		ConnListener listener = bind(proxied());
		byte[] header = v1("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443");
		Socket proxy = send(listener, Arrays.copyOf(header, 20));
		// The listener's channel and the connection waiting for the rest of its header.
		await().until(() -> this.loop.registeredChannels() == 2);
		assertThat(this.accepted).isEmpty();
		proxy.getOutputStream().write(concat(Arrays.copyOfRange(header, 20, header.length), HELLO));
		AcceptedConnection connection = next();
		assertThat(connection.remoteAddress()).isEqualTo(CLIENT);
		assertThat(read(connection.channel(), HELLO.length)).isEqualTo(HELLO);
	}

	@Test
	void callbackOfThreeArgumentsGetsTheClientAddressFromTheHeader() throws Exception {
		BlockingQueue<SocketAddress> remotes = new LinkedBlockingQueue<>();
		ConnListener listener = bind(proxied().callback((l, channel, remote) -> {
			remotes.add(remote);
			Loopback.closeQuietly(channel);
		}));
		send(listener, v2(PROXY, TCP4, inet("203.0.113.7", "192.0.2.1", 51234, 443)));
		assertThat(remotes.poll(10, TimeUnit.SECONDS)).isEqualTo(CLIENT);
	}

	@Test
	void headerWithoutAddressesLeavesTheProxyAddressAsTheRemoteAddress() throws Exception {
		ConnListener listener = bind(proxied());
		Socket local = send(listener, v2(LOCAL, UNSPEC, new byte[0]));
		AcceptedConnection health = next();
		assertThat(health.remoteAddress()).isEqualTo(local.getLocalSocketAddress());
		assertThat(health.isProxied()).isTrue();
		assertThat(health.proxyHeader().local()).isTrue();
		Socket unknown = send(listener, v1("PROXY UNKNOWN"));
		assertThat(next().remoteAddress()).isEqualTo(unknown.getLocalSocketAddress());
	}

	@Test
	void peerThatIsNotATrustedProxyIsClosedAndCounted() throws Exception {
		ConnListener listener = bind(proxied().trustedProxies("10.0.0.0/8"));
		Socket stranger = send(listener);
		assertClosedByListener(stranger);
		assertThat(listener.stats().rejections(RejectionReason.PROXY_UNTRUSTED)).isEqualTo(1);
		assertThat(this.accepted).isEmpty();
	}

	@Test
	void headerThatIsNotCompleteWithinTheTimeoutIsClosedAndCounted() throws Exception {
		ConnListener listener = bind(proxied().proxyProtocolTimeout(Duration.ofMillis(200)));
		Socket slow = send(listener, "PROXY TCP4 ".getBytes(StandardCharsets.US_ASCII));
		assertClosedByListener(slow);
		assertThat(listener.stats().rejections(RejectionReason.PROXY_TIMEOUT)).isEqualTo(1);
		assertThat(this.accepted).isEmpty();
		await().until(() -> this.loop.registeredChannels() == 1);
	}

	@Test
	void anotherProtocolIsClosedAndCountedAsMalformed() throws Exception {
		ConnListener listener = bind(proxied());
		Socket http = send(listener, "GET / HTTP/1.1\r\nHost: example.com\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
		assertClosedByListener(http);
		assertThat(listener.stats().rejections(RejectionReason.PROXY_MALFORMED)).isEqualTo(1);
		assertThat(this.accepted).isEmpty();
	}

	@Test
	void v1HeaderLongerThan107BytesIsClosedAndCountedAsMalformed() throws Exception {
		ConnListener listener = bind(proxied());
		byte[] tooLong = ("PROXY UNKNOWN " + "x".repeat(94)).getBytes(StandardCharsets.US_ASCII);
		assertThat(tooLong).hasSize(108);
		assertClosedByListener(send(listener, tooLong));
		assertThat(listener.stats().rejections(RejectionReason.PROXY_MALFORMED)).isEqualTo(1);
	}

	@Test
	void peerThatClosesBeforeAWholeHeaderIsCountedAsIncomplete() throws Exception {
		ConnListener listener = bind(proxied());
		send(listener, "PROXY ".getBytes(StandardCharsets.US_ASCII)).close();
		send(listener).close();
		await().until(() -> listener.stats().rejections(RejectionReason.PROXY_INCOMPLETE) == 2);
		assertThat(this.accepted).isEmpty();
	}

	@Test
	void admissionRulesApplyToTheClientAddressFromTheHeader() throws Exception {
		ConnListener listener = bind(proxied().deny("203.0.113.0/24"));
		Socket denied = send(listener, v1("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443"));
		assertClosedByListener(denied);
		assertThat(listener.stats().rejections(RejectionReason.DENIED)).isEqualTo(1);
		send(listener, v1("PROXY TCP4 198.51.100.1 192.0.2.1 51234 443"));
		assertThat(next().remoteAddress()).isEqualTo(new InetSocketAddress("198.51.100.1", 51234));
	}

	@Test
	void perIpCapCountsTheClientsBehindOneProxyApart() throws Exception {
		ConnListener listener = bind(proxied().maxConnectionsPerIp(1));
		byte[] first = v1("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443");
		send(listener, first);
		AcceptedConnection admitted = next();
		assertClosedByListener(send(listener, first));
		assertThat(listener.stats().rejections(RejectionReason.PER_IP_LIMIT)).isEqualTo(1);
		send(listener, v1("PROXY TCP4 203.0.113.8 192.0.2.1 51234 443"));
		next();
		InetAddress client = CLIENT.getAddress();
		assertThat(listener.connectionCounts().openFrom(client)).isEqualTo(1);
		listener.connectionClosed(admitted.remoteAddress());
		assertThat(listener.connectionCounts().openFrom(client)).isZero();
	}

	@Test
	void requiringHeadersFromNoTrustedProxyFailsToBind() {
		assertThatIllegalArgumentException().isThrownBy(() -> bind(proxied().trustedProxies(List.of())))
			.withMessageContaining("requires a PROXY protocol header needs the ranges of its trusted proxies");
	}

	@Test
	void unixDomainPeersNeedNoTrustedRange(@TempDir Path directory) throws Exception {
		UnixDomainSocketAddress address = UnixDomainSocketAddress.of(directory.resolve("proxied.sock"));
		ConnListener listener = track(proxied().trustedProxies(List.of()).bind(address));
		SocketChannel proxy = SocketChannel.open(address);
		this.resources.add(proxy);
		proxy.write(ByteBuffer.wrap(concat(v1("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443"), HELLO)));
		AcceptedConnection connection = next();
		assertThat(connection.remoteAddress()).isEqualTo(CLIENT);
		assertThat(connection.proxyAddress()).isInstanceOf(UnixDomainSocketAddress.class);
		assertThat(read(connection.channel(), HELLO.length)).isEqualTo(HELLO);
		assertThat(listener.stats().accepted()).isEqualTo(1);
	}

	@Test
	void blockingSocketsAreHandedOverBlockingAfterTheHeader() throws Exception {
		ConnListener listener = bind(proxied().options(ListenerOption.LEAVE_SOCKETS_BLOCKING));
		send(listener, v1("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443"), HELLO);
		AcceptedConnection connection = next();
		assertThat(connection.channel().isBlocking()).isTrue();
		assertThat(read(connection.channel(), HELLO.length)).isEqualTo(HELLO);
	}

	@Test
	void deferredAcceptWaitsForTheFirstByteAfterTheHeader() throws Exception {
		ConnListener listener = bind(proxied().options(ListenerOption.DEFERRED_ACCEPT));
		Socket proxy = send(listener, v1("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443"));
		await().until(() -> this.loop.registeredChannels() == 2);
		assertThat(this.accepted).isEmpty();
		proxy.getOutputStream().write(HELLO);
		AcceptedConnection connection = next();
		assertThat(connection.remoteAddress()).isEqualTo(CLIENT);
		assertThat(read(connection.channel(), HELLO.length)).isEqualTo(HELLO);
	}

	@Test
	void closingTheListenerClosesConnectionsStillSendingTheirHeader() throws Exception {
		ConnListener listener = bind(proxied());
		Socket slow = send(listener, "PROXY TCP4".getBytes(StandardCharsets.US_ASCII));
		await().until(() -> this.loop.registeredChannels() == 2);
		listener.close();
		assertClosedByListener(slow);
	}

	@Test
	void bufferedConnectionsReportTheClientAddressFromTheHeader() throws Exception {
		BlockingQueue<SocketAddress> remotes = new LinkedBlockingQueue<>();
		EventLoopGroup group = new EventLoopGroup(1, "proxy-test-io");
		this.resources.add(group);
		BufferedHandler handler = new BufferedHandler() {

			@Override
			public void onOpen(BufferedConnection connection) {
				remotes.add(connection.remoteAddress());
			}

			@Override
			public void onRead(BufferedConnection connection) {
				connection.input().moveTo(connection.output());
			}

		};
		ConnListener listener = bind(
				proxied().callback(BufferedConnections.shared(group, handler, BufferedConnectionSettings.DEFAULTS)));
		Socket proxy = send(listener, v2(PROXY, TCP4, inet("203.0.113.7", "192.0.2.1", 51234, 443)), HELLO);
		assertThat(remotes.poll(10, TimeUnit.SECONDS)).isEqualTo(CLIENT);
		assertThat(proxy.getInputStream().readNBytes(HELLO.length)).isEqualTo(HELLO);
	}

	@Test
	void settingsRefuseATimeoutThatIsNotPositive() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> new ProxyProtocolSettings(ProxyProtocolMode.REQUIRED, List.of(), Duration.ZERO))
			.withMessage("'timeout' must be positive, not PT0S");
	}

	@Test
	void listenerWithoutProxyProtocolLeavesTheHeaderToTheApplication() throws Exception {
		ConnListener listener = bind(ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE)
			.callback(new Recorder()));
		byte[] header = v1("PROXY TCP4 203.0.113.7 192.0.2.1 51234 443");
		Socket client = send(listener, header);
		AcceptedConnection connection = next();
		assertThat(connection.remoteAddress()).isEqualTo(client.getLocalSocketAddress());
		assertThat(connection.isProxied()).isFalse();
		assertThat(connection.proxyAddress()).isNull();
		assertThat(read(connection.channel(), header.length)).isEqualTo(header);
		assertThat(listener.proxyProtocol()).isEqualTo(ProxyProtocolSettings.OFF);
	}

	private ConnListenerBuilder proxied() {
		return ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE)
			.proxyProtocol(ProxyProtocolMode.REQUIRED)
			.trustedProxies("127.0.0.0/8", "::1")
			.callback(new Recorder());
	}

	private ConnListener bind(ConnListenerBuilder builder) throws IOException {
		return track(builder.bind(Loopback.ANY_PORT));
	}

	private ConnListener track(ConnListener listener) {
		this.resources.add(listener);
		return listener;
	}

	private Socket send(ConnListener listener, byte[]... parts) throws IOException {
		Socket socket = Loopback.connect(listener.localAddress());
		this.resources.add(socket);
		socket.getOutputStream().write(ProxyHeaders.concat(parts));
		return socket;
	}

	private AcceptedConnection next() throws InterruptedException {
		AcceptedConnection connection = this.accepted.poll(10, TimeUnit.SECONDS);
		assertThat(connection).as("accepted connection").isNotNull();
		return connection;
	}

	private static byte[] read(SocketChannel channel, int length) throws IOException {
		channel.configureBlocking(true);
		InputStream input = Channels.newInputStream(channel);
		return input.readNBytes(length);
	}

	/**
	 * Assert that the listener closed the connection: an end of stream, or a reset when it
	 * closed with bytes of ours still unread.
	 */
	private static void assertClosedByListener(Socket socket) throws IOException {
		try {
			assertThat(socket.getInputStream().read()).isEqualTo(-1);
		}
		catch (SocketException ex) {
			assertThat(ex.getMessage()).containsIgnoringCase("reset");
		}
	}

	private final class Recorder implements AcceptCallback {

		@Override
		public void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
			throw new AssertionError("The listener must call onAccept with the whole connection");
		}

		@Override
		public void onAccept(ConnListener listener, AcceptedConnection connection) {
			ConnListenerProxyProtocolTests.this.accepted.add(connection);
		}

	}

}
