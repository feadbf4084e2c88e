package io.connlistener;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.connlistener.internal.accept.ListenerSockets;
import io.connlistener.loop.EventLoop;
import io.connlistener.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.assertj.core.api.Assumptions.assumeThat;
import static org.awaitility.Awaitility.await;

/**
 * One test per documented behaviour of libevent's {@code evconnlistener}, on real loopback
 * sockets.
 */
@Timeout(60)
class ConnListenerTests {

	private static final Set<ListenerOption> CLOSE_ON_FREE = EnumSet.of(ListenerOption.CLOSE_ON_FREE);

	@RegisterExtension
	final LogCapture log = LogCapture.julLoggers("io.connlistener");

	private final EventLoop loop = new EventLoop("listener-test");

	private final List<AutoCloseable> resources = new ArrayList<>();

	private final BlockingQueue<Accepted> accepted = new LinkedBlockingQueue<>();

	@AfterEach
	void close() throws Exception {
		for (int i = this.resources.size() - 1; i >= 0; i--) {
			this.resources.get(i).close();
		}
		for (Accepted connection : this.accepted) {
			connection.channel().close();
		}
		this.loop.close();
	}

	@Test
	void bindAcceptsConnectionsOnTheLoopThreadWithThePeerAddress() throws Exception {
		List<String> threads = new CopyOnWriteArrayList<>();
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, (l, channel, remote) -> {
			threads.add(Thread.currentThread().getName());
			this.accepted.add(new Accepted(l, channel, remote));
		}, CLOSE_ON_FREE, -1));
		Socket client = client(listener);
		Accepted connection = next();
		assertThat(connection.listener()).isSameAs(listener);
		assertThat(connection.remote()).isEqualTo(client.getLocalSocketAddress());
		assertThat(threads).containsExactly("listener-test");
		assertThat(listener.stats().accepted()).isEqualTo(1);
		assertThat(listener.stats().activeConnections()).isEqualTo(1);
		listener.connectionClosed();
		assertThat(listener.stats().activeConnections()).isZero();
	}

	@Test
	void wrapListensOnAChannelThatIsAlreadyBound() throws Exception {
		ServerSocketChannel channel = ServerSocketChannel.open().bind(Loopback.ANY_PORT, 16);
		ConnListener listener = track(ConnListener.wrap(this.loop, channel, this::record, CLOSE_ON_FREE, 0));
		assertThat(listener.channel()).isSameAs(channel);
		assertThat(channel.isBlocking()).isFalse();
		client(listener);
		assertThat(next().listener()).isSameAs(listener);
	}

	@Test
	void wrapRefusesAnUnboundChannelOrABacklog() throws Exception {
		try (ServerSocketChannel unbound = ServerSocketChannel.open()) {
			assertThatIllegalArgumentException().isThrownBy(() -> ConnListener.wrap(this.loop, unbound, this::record,
					CLOSE_ON_FREE, 0)).withMessageContaining("not bound");
		}
		try (ServerSocketChannel bound = ServerSocketChannel.open().bind(Loopback.ANY_PORT)) {
			assertThatIllegalArgumentException().isThrownBy(() -> ConnListener.wrap(this.loop, bound, this::record,
					CLOSE_ON_FREE, 128)).withMessageContaining("pass backlog 0");
		}
		assertThatIllegalArgumentException().isThrownBy(() -> ConnListener.bind(this.loop, Loopback.ANY_PORT,
				this::record, CLOSE_ON_FREE, 0)).withMessageContaining("ConnListener.wrap");
	}

	@Test
	void nullCallbackLeavesTheListenerDisabledUntilACallbackIsSet() throws Exception {
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, null, CLOSE_ON_FREE, -1));
		client(listener);
		await().until(() -> Loopback.listenQueue(Loopback.port(listener)).map((q) -> q[0] == 1).orElse(true));
		assertThat(listener.isEnabled()).isTrue();
		assertThat(listener.isAccepting()).isFalse();
		assertThat(this.accepted.poll()).isNull();
		listener.setCallback(this::record);
		assertThat(next().listener()).isSameAs(listener);
		await().until(listener::isAccepting);
	}

	@Test
	void negativeBacklogQueuesAsManyAsSomaxconnNotTheJdkDefaultOf50() throws Exception {
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record,
				EnumSet.of(ListenerOption.CLOSE_ON_FREE, ListenerOption.DISABLED), -1));
		int port = Loopback.port(listener);
		Loopback.listenQueue(port).ifPresent((queue) -> assertThat(queue[1]).isEqualTo(ListenerSockets.somaxconn()));
		// With the JDK's 50, connects past the 51st would stall in SYN retries and time out.
		int clients = 200;
		for (int i = 0; i < clients; i++) {
			client(listener);
		}
		Loopback.listenQueue(port).ifPresent((queue) -> assertThat(queue[0]).isEqualTo(clients));
		listener.enable();
		for (int i = 0; i < clients; i++) {
			next();
		}
		assertThat(listener.stats().accepted()).isEqualTo(clients);
	}

	@Test
	void positiveBacklogIsPassedToListen() throws Exception {
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record,
				EnumSet.of(ListenerOption.CLOSE_ON_FREE, ListenerOption.DISABLED), 4));
		Loopback.listenQueue(Loopback.port(listener)).ifPresent((queue) -> assertThat(queue[1]).isEqualTo(4));
		// Linux completes backlog + 1 handshakes; the next connect stalls in SYN retries.
		for (int i = 0; i < 5; i++) {
			client(listener);
		}
		Socket stalled = new Socket();
		this.resources.add(stalled);
		assertThatExceptionOfType(java.net.SocketTimeoutException.class)
			.isThrownBy(() -> stalled.connect(listener.localAddress(), 300));
	}

	@Test
	void closeOnFreeClosesTheChannelAndReleasesThePort() throws Exception {
		ConnListener listener = ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record, CLOSE_ON_FREE, -1);
		InetSocketAddress address = (InetSocketAddress) listener.localAddress();
		listener.close();
		assertThat(listener.channel().isOpen()).isFalse();
		assertThat(listener.isOpen()).isFalse();
		assertThatExceptionOfType(UncheckedIOException.class).isThrownBy(() -> Loopback.connect(address).close())
			.havingCause()
			.isInstanceOf(java.net.ConnectException.class);
	}

	@Test
	void withoutCloseOnFreeTheChannelStaysOpenAndUsable() throws Exception {
		ConnListener first = ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record, Set.of(), -1);
		ServerSocketChannel channel = first.channel();
		this.resources.add(channel);
		first.close();
		assertThat(channel.isOpen()).isTrue();
		ConnListener second = track(ConnListener.wrap(this.loop, channel, this::record, CLOSE_ON_FREE, 0));
		client(second);
		assertThat(next().listener()).isSameAs(second);
	}

	@Test
	void acceptedSocketsAreNonBlockingByDefault() throws Exception {
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record, CLOSE_ON_FREE, -1));
		client(listener);
		assertThat(next().channel().isBlocking()).isFalse();
	}

	@Test
	void leaveSocketsBlockingKeepsAcceptedSocketsBlocking() throws Exception {
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record,
				EnumSet.of(ListenerOption.CLOSE_ON_FREE, ListenerOption.LEAVE_SOCKETS_BLOCKING), -1));
		client(listener);
		assertThat(next().channel().isBlocking()).isTrue();
	}

	@Test
	void reuseableLetsANewListenerBindThePortWhileOldConnectionsLinger() throws Exception {
		Set<ListenerOption> options = EnumSet.of(ListenerOption.CLOSE_ON_FREE, ListenerOption.REUSEABLE);
		ConnListener first = ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record, options, -1);
		InetSocketAddress address = (InetSocketAddress) first.localAddress();
		client(first);
		next();
		first.close();
		ConnListener second = track(ConnListener.bind(this.loop, address, this::record, options, -1));
		client(second);
		assertThat(next().listener()).isSameAs(second);
	}

	@Test
	void withoutReuseableTheJdkDefaultOfReusingTheAddressIsTurnedOff() throws Exception {
		ConnListener first = ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record, CLOSE_ON_FREE, -1);
		InetSocketAddress address = (InetSocketAddress) first.localAddress();
		client(first);
		next();
		first.close();
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> track(ConnListener.bind(this.loop, address, this::record, CLOSE_ON_FREE, -1)))
			.withMessageContaining("binding 127.0.0.1:" + address.getPort());
	}

	@Test
	void reuseablePortLetsTwoListenersBindOnePort() throws Exception {
		Set<ListenerOption> options = EnumSet.of(ListenerOption.CLOSE_ON_FREE, ListenerOption.REUSEABLE_PORT);
		ConnListener first = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record, options, -1));
		ConnListener second = track(ConnListener.bind(this.loop, first.localAddress(), this::record, options, -1));
		assertThat(second.localAddress()).isEqualTo(first.localAddress());
		for (int i = 0; i < 8; i++) {
			client(first);
		}
		for (int i = 0; i < 8; i++) {
			assertThat(next().listener()).isIn(first, second);
		}
	}

	@Test
	void withoutReuseablePortASecondBindFails() throws Exception {
		ConnListener first = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record, CLOSE_ON_FREE, -1));
		assertThatExceptionOfType(BindException.class).isThrownBy(
				() -> track(ConnListener.bind(this.loop, first.localAddress(), this::record, CLOSE_ON_FREE, -1)));
	}

	@Test
	void disabledStartsDisabledAndEnableStartsAccepting() throws Exception {
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record,
				EnumSet.of(ListenerOption.CLOSE_ON_FREE, ListenerOption.DISABLED), -1));
		assertThat(listener.isEnabled()).isFalse();
		client(listener);
		await().until(() -> Loopback.listenQueue(Loopback.port(listener)).map((q) -> q[0] == 1).orElse(true));
		assertThat(this.accepted.poll()).isNull();
		listener.enable();
		assertThat(next().listener()).isSameAs(listener);
	}

	@Test
	void disableLeavesNewConnectionsInTheBacklogUntilEnabled() throws Exception {
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record, CLOSE_ON_FREE, -1));
		client(listener);
		next();
		listener.disable();
		listener.disable();
		await().until(() -> !listener.isAccepting());
		client(listener);
		await().until(() -> Loopback.listenQueue(Loopback.port(listener)).map((q) -> q[0] == 1).orElse(true));
		assertThat(this.accepted.poll()).isNull();
		listener.enable();
		listener.enable();
		next();
		assertThat(listener.stats().accepted()).isEqualTo(2);
	}

	@Test
	void deferredAcceptCallsBackOnlyOnceTheClientHasSentData() throws Exception {
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record,
				EnumSet.of(ListenerOption.CLOSE_ON_FREE, ListenerOption.DEFERRED_ACCEPT), -1));
		Socket silent = client(listener);
		Socket talker = client(listener);
		await().until(() -> listener.stats().accepted() == 2);
		talker.getOutputStream().write('x');
		Accepted first = next();
		assertThat(first.remote()).isEqualTo(talker.getLocalSocketAddress());
		ByteBuffer data = ByteBuffer.allocate(1);
		assertThat(first.channel().read(data)).isEqualTo(1);
		silent.getOutputStream().write('y');
		assertThat(next().remote()).isEqualTo(silent.getLocalSocketAddress());
	}

	@Test
	void deferredAcceptClosesConnectionsThatStaySilent() throws Exception {
		ConnListener listener = track(ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE, ListenerOption.DEFERRED_ACCEPT)
			.deferredAcceptTimeout(Duration.ofMillis(200))
			.callback(this::record)
			.bind(Loopback.ANY_PORT));
		Socket silent = client(listener);
		assertThat(silent.getInputStream().read()).isEqualTo(-1);
		assertThat(listener.stats().rejections(RejectionReason.DEFERRED_ACCEPT_TIMEOUT)).isEqualTo(1);
		assertThat(this.accepted.poll()).isNull();
	}

	@Test
	void deferredAcceptWithBlockingSocketsHandsOverABlockingChannel() throws Exception {
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record, EnumSet.of(
				ListenerOption.CLOSE_ON_FREE, ListenerOption.DEFERRED_ACCEPT, ListenerOption.LEAVE_SOCKETS_BLOCKING), -1));
		client(listener).getOutputStream().write('x');
		assertThat(next().channel().isBlocking()).isTrue();
	}

	@Test
	void setCallbackReplacesTheCallback() throws Exception {
		AtomicInteger second = new AtomicInteger();
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record, CLOSE_ON_FREE, -1));
		client(listener);
		next();
		listener.setCallback((l, channel, remote) -> {
			second.incrementAndGet();
			record(l, channel, remote);
		});
		client(listener);
		next();
		assertThat(second).hasValue(1);
	}

	@Test
	void accessorsReturnTheChannelTheLoopAndTheBoundAddress() throws Exception {
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record,
				EnumSet.of(ListenerOption.CLOSE_ON_FREE, ListenerOption.THREADSAFE, ListenerOption.CLOSE_ON_EXEC), -1));
		assertThat(listener.loop()).isSameAs(this.loop);
		assertThat(listener.channel().getLocalAddress()).isEqualTo(listener.localAddress());
		assertThat(Loopback.port(listener)).isPositive();
		assertThat(listener.options()).contains(ListenerOption.THREADSAFE, ListenerOption.CLOSE_ON_EXEC);
		assertThat(listener.settings()).isEqualTo(ListenerSettings.DEFAULTS);
		assertThat(listener.isOpen()).isTrue();
		assertThat(listener.failure()).isNull();
	}

	@Test
	void callbackMayDisableOrCloseTheListenerFromInsideItself() throws Exception {
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, (l, channel, remote) -> {
			record(l, channel, remote);
			l.close();
		}, EnumSet.of(ListenerOption.CLOSE_ON_FREE, ListenerOption.DISABLED), -1));
		InetSocketAddress address = (InetSocketAddress) listener.localAddress();
		client(listener);
		client(listener);
		listener.enable();
		next();
		await().until(() -> !listener.channel().isOpen());
		await().untilAsserted(() -> assertThatExceptionOfType(UncheckedIOException.class)
			.isThrownBy(() -> Loopback.connect(address).close()));
		assertThat(listener.stats().accepted()).isEqualTo(1);
	}

	@Test
	void callbackThatThrowsClosesThatConnectionAndTheListenerGoesOn() throws Exception {
		AtomicInteger calls = new AtomicInteger();
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, (l, channel, remote) -> {
			if (calls.incrementAndGet() == 1) {
				throw new IllegalStateException("boom");
			}
			record(l, channel, remote);
		}, CLOSE_ON_FREE, -1));
		Socket first = client(listener);
		assertThat(first.getInputStream().read()).isEqualTo(-1);
		client(listener);
		next();
		assertThat(listener.stats().rejections(RejectionReason.CALLBACK_FAILED)).isEqualTo(1);
		assertThat(listener.stats().activeConnections()).isEqualTo(1);
		assertThat(this.log.awaitEntry(Level.WARNING, "Accept callback of the listener on ").message())
			.endsWith("failed; the connection from " + first.getLocalSocketAddress() + " was closed");
	}

	@Test
	void acceptsPerWakeupAreBoundedSoOtherWorkRunsBetweenBatches() throws Exception {
		AtomicInteger acceptedWhenTaskRan = new AtomicInteger(-1);
		AtomicInteger count = new AtomicInteger();
		ConnListener listener = track(ConnListener.builder(this.loop)
			.options(ListenerOption.CLOSE_ON_FREE, ListenerOption.DISABLED)
			.maxAcceptsPerWakeup(4)
			.callback((l, channel, remote) -> {
				if (count.incrementAndGet() == 1) {
					this.loop.execute(() -> acceptedWhenTaskRan.set(count.get()));
				}
				record(l, channel, remote);
			})
			.bind(Loopback.ANY_PORT));
		for (int i = 0; i < 40; i++) {
			client(listener);
		}
		listener.enable();
		for (int i = 0; i < 40; i++) {
			next();
		}
		assertThat(acceptedWhenTaskRan.get()).isBetween(1, 4);
	}

	@Test
	void unixDomainSocketsBindAcceptAndCleanUp(@TempDir Path directory) throws Exception {
		Path path = directory.resolve("listener.sock");
		ConnListener listener = ConnListener.bind(this.loop, UnixDomainSocketAddress.of(path), this::record,
				CLOSE_ON_FREE, -1);
		try (SocketChannel client = SocketChannel.open(UnixDomainSocketAddress.of(path))) {
			Accepted connection = next();
			assertThat(connection.remote()).isInstanceOf(UnixDomainSocketAddress.class);
			client.write(ByteBuffer.wrap(new byte[] { 42 }));
			ByteBuffer read = ByteBuffer.allocate(1);
			connection.channel().configureBlocking(true);
			assertThat(connection.channel().read(read)).isEqualTo(1);
		}
		listener.close();
		assertThat(Files.exists(path)).isFalse();
	}

	@Test
	void bindIpv6OnlyClosesIpv4ClientsOnTheWildcardAddress() throws Exception {
		InetSocketAddress wildcard = new InetSocketAddress(InetAddress.getByName("::"), 0);
		ConnListener listener;
		try {
			listener = track(ConnListener.bind(this.loop, wildcard, this::record,
					EnumSet.of(ListenerOption.CLOSE_ON_FREE, ListenerOption.BIND_IPV6ONLY), -1));
			Loopback.connect(new InetSocketAddress("::1", Loopback.port(listener))).close();
		}
		catch (IOException | UncheckedIOException ex) {
			assumeThat(ex).as("IPv6 loopback is available").isNull();
			return;
		}
		next().channel().close();
		Socket ipv4 = Loopback.connect(new InetSocketAddress("127.0.0.1", Loopback.port(listener)));
		InputStream in = ipv4.getInputStream();
		assertThat(in.read()).isEqualTo(-1);
		assertThat(listener.stats().rejections(RejectionReason.IPV4_ON_IPV6_ONLY)).isEqualTo(1);
		assertThat(this.accepted.poll()).isNull();
	}

	@Test
	void listenerOnAClosedLoopIsRefused() {
		this.loop.close();
		assertThatExceptionOfType(IllegalStateException.class)
			.isThrownBy(() -> ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record, CLOSE_ON_FREE, -1));
	}

	@Test
	void closingTheLoopReportsTheListenerAsFailed() throws Exception {
		ConnListener listener = track(ConnListener.bind(this.loop, Loopback.ANY_PORT, this::record, CLOSE_ON_FREE, -1));
		this.loop.close();
		assertThat(listener.isOpen()).isFalse();
		assertThat(listener.failure()).contains("closed");
		assertThat(listener.channel().isOpen()).isFalse();
	}

	@Test
	void optionsParseFromKebabCase() {
		assertThat(ListenerOption.fromName("close-on-free")).isEqualTo(ListenerOption.CLOSE_ON_FREE);
		assertThat(ListenerOption.fromName("REUSEABLE_PORT")).isEqualTo(ListenerOption.REUSEABLE_PORT);
		assertThat(ListenerOption.BIND_IPV6ONLY.kebabName()).isEqualTo("bind-ipv6only");
		assertThatIllegalArgumentException().isThrownBy(() -> ListenerOption.fromName("reusable"))
			.withMessageContaining("reuseable");
	}

	@Test
	void acceptErrorsAreClassifiedFromTheJdkMessage() {
		assertThat(AcceptErrorReason.of(new IOException("Too many open files"))).isEqualTo(AcceptErrorReason.TOO_MANY_OPEN_FILES);
		assertThat(AcceptErrorReason.of(new IOException("Too many open files in system")))
			.isEqualTo(AcceptErrorReason.SYSTEM_FILE_LIMIT);
		assertThat(AcceptErrorReason.of(new IOException("No buffer space available")))
			.isEqualTo(AcceptErrorReason.NO_BUFFER_SPACE);
		assertThat(AcceptErrorReason.of(new IOException("Connection reset by peer")))
			.isEqualTo(AcceptErrorReason.CONNECTION_ABORTED);
		assertThat(AcceptErrorReason.of(new IOException())).isEqualTo(AcceptErrorReason.UNKNOWN);
		assertThat(AcceptErrorReason.CONNECTION_ABORTED.isResourceFailure()).isFalse();
		assertThat(AcceptErrorReason.UNKNOWN.isResourceFailure()).isTrue();
	}

	@Test
	void settingsRejectValuesOutOfRange() {
		assertThatIllegalArgumentException().isThrownBy(() -> ConnListener.builder(this.loop).maxAcceptsPerWakeup(0)
			.bind(Loopback.ANY_PORT)).withMessageContaining("maxAcceptsPerWakeup");
		assertThatIllegalArgumentException().isThrownBy(() -> ConnListener.builder(this.loop)
			.acceptErrorBackoff(Duration.ofSeconds(2), Duration.ofSeconds(1))
			.bind(Loopback.ANY_PORT)).withMessageContaining("backoffMax");
	}

	private ConnListener track(ConnListener listener) {
		this.resources.add(listener);
		return listener;
	}

	private Socket client(ConnListener listener) {
		Socket socket = Loopback.connect(listener.localAddress());
		this.resources.add(socket);
		return socket;
	}

	private void record(ConnListener listener, SocketChannel channel, SocketAddress remote) {
		this.accepted.add(new Accepted(listener, channel, remote));
	}

	private Accepted next() throws InterruptedException {
		Accepted connection = this.accepted.poll(10, TimeUnit.SECONDS);
		assertThat(connection).as("an accepted connection").isNotNull();
		return connection;
	}

	record Accepted(ConnListener listener, SocketChannel channel, SocketAddress remote) {
	}

}
