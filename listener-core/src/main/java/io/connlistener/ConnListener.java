package io.connlistener;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.HashSet;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.connlistener.loop.EventLoop;
import io.connlistener.loop.FailsafeLogger;
import io.connlistener.loop.IoHandler;
import io.connlistener.proxy.ProxyHeader;
import io.connlistener.proxy.ProxyHeaderParser;
import io.connlistener.proxy.ProxyProtocolException;

/**
 * Accepts TCP (or Unix domain) connections on an {@link EventLoop} and hands each one to an
 * {@link AcceptCallback}: the Java counterpart of libevent's {@code evconnlistener}.
 * <p>
 * Every public method may be called from any thread, including from inside the callbacks;
 * calls made off the loop thread are handed to the loop. Callbacks always run on the loop
 * thread. {@link #enable()} and {@link #disable()} record what the caller wants at once, so
 * {@link #isEnabled()} reflects the last call, and the loop applies the latest wish.
 * <p>
 * Beyond libevent, a failed accept does not make the loop spin: a failure of one connection
 * is retried at once, while running out of a resource (file descriptors, buffers) pauses
 * accepting for a backoff that doubles up to a cap, resets on success and ends early when
 * one of the listener's connections is {@linkplain #connectionClosed() reported closed}.
 * While out of file descriptors, a listener that holds a
 * {@linkplain AdmissionSettings#spareFileDescriptor() spare descriptor} closes pending
 * connections at once rather than leaving them to hang.
 * <p>
 * Also beyond libevent, {@link AdmissionSettings} decide on each connection right after
 * accept, before any callback sees it: allow and deny rules by client address, a cap per
 * client address and an accept rate limit. A refused connection is closed at once and
 * counted in {@link ListenerStats#rejections(RejectionReason)}.
 * <p>
 * Behind a load balancer, {@link ProxyProtocolSettings} make the listener require a PROXY
 * protocol header on each connection, from trusted proxies only, read on the loop before
 * admission; the callback then sees the client's address from the header.
 */
public final class ConnListener implements AutoCloseable {

	private static final FailsafeLogger logger = FailsafeLogger.of(ConnListener.class);

	/** Most pending connections closed with the spare descriptor per failed accept. */

	static {
		// Loading a class from a directory or a jar not yet open needs a file descriptor:
		// load what the accept-error path uses now, not when the process has none left.
		EventLoop.preload(ListenerStats.AcceptError.class, AcceptErrorReason.class, AcceptBackoff.class,
				AcceptErrorGovernor.class, RejectionReason.class, DeferredAccept.class, SpareFileDescriptor.class,
				AdmissionControl.class, AcceptedConnection.class);
	}

	/** Most bytes read from a connection at once while reading its PROXY header. */
	private static final int PROXY_READ_CHUNK = 512;

	private final EventLoop loop;

	private final ServerSocketChannel channel;

	private final Set<ListenerOption> options;

	private final ListenerSettings settings;

	private final AdmissionSettings admission;

	private final AdmissionControl admissionControl;

	private final ConnectionCounts counts;

	private final ProxyProtocolSettings proxyProtocol;

	private final SocketAddress localAddress;

	private final boolean ownsSocketFile;

	private final boolean ipv6Only;

	private final ListenerStats stats = new ListenerStats();

	private final AcceptErrorGovernor governor;

	private final Set<DeferredAccept> deferred = new HashSet<>();

	private final Set<ProxyHeaderRead> proxyReads = new HashSet<>();

	private ByteBuffer proxyReadBuffer;

	private final AtomicBoolean closed = new AtomicBoolean();

	/** Completed once the socket is released, after {@link #close()} or its variants. */
	private final CompletableFuture<Void> released = new CompletableFuture<>();

	private volatile AcceptCallback callback;

	private volatile AcceptErrorCallback errorCallback;

	private volatile boolean enabled;

	private volatile boolean accepting;


	private volatile boolean limited;

	private volatile boolean graceful;

	private volatile int pending;

	private volatile String failure;

	private SelectionKey key;


	private ConnListener(EventLoop loop, ServerSocketChannel channel, AcceptCallback callback,
			Set<ListenerOption> options, ListenerSettings settings, AdmissionSettings admission,
			ProxyProtocolSettings proxyProtocol, ConnectionCounts counts, boolean ownsSocketFile) throws IOException {
		this.loop = loop;
		this.channel = channel;
		this.options = Collections.unmodifiableSet(options.isEmpty() ? EnumSet.noneOf(ListenerOption.class)
				: EnumSet.copyOf(options));
		this.settings = settings;
		this.admission = admission;
		this.counts = counts;
		this.admissionControl = admission.checksConnections() ? new AdmissionControl(admission, counts, System::nanoTime)
				: null;
		this.proxyProtocol = proxyProtocol;
		this.callback = callback;
		this.enabled = !options.contains(ListenerOption.DISABLED);
		this.localAddress = channel.getLocalAddress();
		this.ownsSocketFile = ownsSocketFile;
		this.ipv6Only = options.contains(ListenerOption.BIND_IPV6ONLY) && ListenerSockets.isIpv6Wildcard(this.localAddress);
		SpareFileDescriptor spare = admission.spareFileDescriptor() ? new SpareFileDescriptor() : null;
		this.governor = new AcceptErrorGovernor(this, channel, this.stats, settings, spare, this::updateInterest);
		if (proxyProtocol.isRequired()) {
			if (this.localAddress instanceof InetSocketAddress && proxyProtocol.trustedProxies().isEmpty()) {
				throw new IllegalArgumentException("A listener on " + ListenerSockets.describe(this.localAddress)
						+ " that requires a PROXY protocol header needs the ranges of its trusted proxies: "
						+ "without any, it would close every connection");
			}
			EventLoop.preload(ProxyHeaderRead.class, ProxyHeaderParser.class, ProxyHeader.class,
					ProxyProtocolException.class);
		}
		channel.configureBlocking(false);
		if (spare != null && !spare.reserve()) {
			logger.log(Level.DEBUG, () -> "Listener on " + ListenerSockets.describe(this.localAddress)
					+ " could not open a spare file descriptor; it will try again after accepts fail");
		}
		counts.join(this);
		runOnLoop(this::register);
	}

	/**
	 * Open a channel, bind it to an address and listen on it: libevent's
	 * {@code evconnlistener_new_bind}.
	 * @param loop the loop that accepts and runs the callbacks
	 * @param address where to listen: an {@link InetSocketAddress} or a
	 * {@link UnixDomainSocketAddress}
	 * @param callback receives accepted connections; {@code null} leaves the listener
	 * disabled until a callback is set
	 * @param options listener options
	 * @param backlog listen queue length; negative picks the kernel's {@code somaxconn}
	 * @return the listener
	 * @throws IOException if the channel cannot be opened or bound; a
	 * {@link java.net.BindException} names the address
	 */
	public static ConnListener bind(EventLoop loop, SocketAddress address, AcceptCallback callback,
			Set<ListenerOption> options, int backlog) throws IOException {
		return builder(loop).options(options).backlog(backlog).callback(callback).bind(address);
	}

	/**
	 * Listen on a channel that is already bound: libevent's {@code evconnlistener_new}. The
	 * JDK binds and listens in one call, so the channel is listening already and its queue
	 * length was fixed by its own {@code bind}: pass a backlog of 0.
	 * @param loop the loop that accepts and runs the callbacks
	 * @param channel a bound channel; made non-blocking here
	 * @param callback receives accepted connections; {@code null} leaves the listener
	 * disabled until a callback is set
	 * @param options listener options
	 * @param backlog must be 0
	 * @return the listener
	 * @throws IOException if the channel cannot be configured
	 */
	public static ConnListener wrap(EventLoop loop, ServerSocketChannel channel, AcceptCallback callback,
			Set<ListenerOption> options, int backlog) throws IOException {
		return builder(loop).options(options).backlog(backlog).callback(callback).wrap(channel);
	}

	/**
	 * Start building a listener with settings beyond libevent's (accepts per wakeup, accept
	 * error backoff, deferred-accept timeout, connection limits, admission control).
	 * @param loop the loop that accepts and runs the callbacks
	 * @return a builder
	 */
	public static ConnListenerBuilder builder(EventLoop loop) {
		return new ConnListenerBuilder(loop);
	}

	static ConnListener create(EventLoop loop, SocketAddress address, AcceptCallback callback,
			AcceptErrorCallback errorCallback, Set<ListenerOption> options, int backlog, ListenerSettings settings,
			AdmissionSettings admission, ProxyProtocolSettings proxyProtocol, ConnectionCounts counts)
			throws IOException {
		requireOpen(loop);
		ServerSocketChannel channel = ListenerSockets.bind(address, options, backlog);
		try {
			ConnListener listener = new ConnListener(loop, channel, callback, options, settings, admission,
					proxyProtocol, counts, address instanceof UnixDomainSocketAddress);
			listener.errorCallback = errorCallback;
			return listener;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	static ConnListener adopt(EventLoop loop, ServerSocketChannel channel, AcceptCallback callback,
			AcceptErrorCallback errorCallback, Set<ListenerOption> options, int backlog, ListenerSettings settings,
			AdmissionSettings admission, ProxyProtocolSettings proxyProtocol, ConnectionCounts counts)
			throws IOException {
		Objects.requireNonNull(channel, "'channel' must not be null");
		requireOpen(loop);
		if (channel.getLocalAddress() == null) {
			throw new IllegalArgumentException("The channel is not bound: bind it first, or use ConnListener.bind");
		}
		if (backlog != 0) {
			throw new IllegalArgumentException("A bound channel already listens with the backlog given to its bind: "
					+ "pass backlog 0 to wrap, not " + backlog);
		}
		ListenerSockets.applyOptions(channel, options);
		ConnListener listener = new ConnListener(loop, channel, callback, options, settings, admission, proxyProtocol,
				counts, false);
		listener.errorCallback = errorCallback;
		return listener;
	}

	private static void requireOpen(EventLoop loop) {
		Objects.requireNonNull(loop, "'loop' must not be null");
		if (loop.isClosed()) {
			throw new IllegalStateException(loop + " is closed");
		}
	}

	/**
	 * Start accepting again: libevent's {@code evconnlistener_enable}. Has no effect when the
	 * listener is already enabled; accepting starts only once a callback is set.
	 */
	public void enable() {
		this.enabled = true;
		runOnLoop(this::updateInterest);
	}

	/**
	 * Stop accepting: libevent's {@code evconnlistener_disable}. Connections that arrive
	 * meanwhile wait in the kernel's listen queue. Has no effect when already disabled.
	 */
	public void disable() {
		this.enabled = false;
		runOnLoop(this::updateInterest);
	}

	/**
	 * Return whether the listener is enabled, as set by the options, {@link #enable()} and
	 * {@link #disable()}. See {@link #isAccepting()} for whether it accepts right now.
	 * @return {@code true} if enabled
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * Return whether the loop is watching for connections right now: enabled, a callback
	 * set, not paused after an accept error, and not closed.
	 * @return {@code true} while accepting
	 */
	public boolean isAccepting() {
		return this.accepting;
	}

	/**
	 * Return whether accepting is paused for a backoff after a resource failure.
	 * @return {@code true} while paused
	 */
	public boolean isPaused() {
		return this.governor.isPaused();
	}

	/**
	 * Return whether accepting is paused because the connection limit was reached.
	 * @return {@code true} while paused at the limit
	 */
	public boolean isAtConnectionLimit() {
		return this.limited;
	}

	/**
	 * Replace the accept callback: libevent's {@code evconnlistener_set_cb}.
	 * @param callback the new callback; {@code null} stops accepting until one is set
	 */
	public void setCallback(AcceptCallback callback) {
		this.callback = callback;
		runOnLoop(this::updateInterest);
	}

	/**
	 * Set the callback told of accept failures: libevent's {@code evconnlistener_set_error_cb}.
	 * @param errorCallback the callback, or {@code null} for none
	 */
	public void setErrorCallback(AcceptErrorCallback errorCallback) {
		this.errorCallback = errorCallback;
	}

	/**
	 * Return the listening channel: libevent's {@code evconnlistener_get_fd}.
	 * @return the channel
	 */
	public ServerSocketChannel channel() {
		return this.channel;
	}

	/**
	 * Return the loop the listener runs on: libevent's {@code evconnlistener_get_base}.
	 * @return the loop
	 */
	public EventLoop loop() {
		return this.loop;
	}

	/**
	 * Return the address the listener is bound to, with the real port when bound to port 0.
	 * @return the local address
	 */
	public SocketAddress localAddress() {
		return this.localAddress;
	}

	/**
	 * Return the options the listener was created with.
	 * @return an unmodifiable set
	 */
	public Set<ListenerOption> options() {
		return this.options;
	}

	/**
	 * Return the settings beyond libevent's that the listener was created with.
	 * @return the settings
	 */
	public ListenerSettings settings() {
		return this.settings;
	}

	/**
	 * Return the admission settings the listener was created with.
	 * @return the admission settings
	 */
	public AdmissionSettings admission() {
		return this.admission;
	}

	/**
	 * Return the PROXY protocol settings the listener was created with.
	 * @return the PROXY protocol settings
	 */
	public ProxyProtocolSettings proxyProtocol() {
		return this.proxyProtocol;
	}

	/**
	 * Return whether the listener holds its spare file descriptor right now. Always
	 * {@code false} when {@link AdmissionSettings#spareFileDescriptor()} is off or the
	 * platform has no {@code /dev/null}; briefly {@code false} after the spare was used while
	 * the process is still out of descriptors.
	 * @return {@code true} if the spare is held
	 */
	public boolean hasSpareFileDescriptor() {
		return this.governor.hasSpareFileDescriptor();
	}

	/**
	 * Return the listener's counters.
	 * @return a live, read-only view
	 */
	public ListenerStats stats() {
		return this.stats;
	}

	/**
	 * Return whether the listener is open and able to accept: not closed, its channel open
	 * and its loop running. A disabled listener is still open.
	 * @return {@code true} if open
	 */
	public boolean isOpen() {
		return !this.closed.get() && this.failure == null && this.channel.isOpen() && !this.loop.isClosed();
	}

	/**
	 * Return why the listener can no longer accept although nobody closed it.
	 * @return a description, or {@code null} if the listener is fine or was closed
	 */
	public String failure() {
		if (this.closed.get()) {
			return null;
		}
		if (this.failure != null) {
			return this.failure;
		}
		if (!this.channel.isOpen()) {
			return "listening channel was closed";
		}
		return this.loop.isClosed() ? this.loop + " is closed" : null;
	}

	/**
	 * Report that a connection this listener handed to the callback has closed, without
	 * saying where it came from. Counts down {@link ListenerStats#activeConnections()} and
	 * the {@link ConnectionCounts} this listener shares, which resumes every listener sharing
	 * them that paused at its connection limit, or after a resource failure, since a
	 * descriptor is now free. May be called from any thread, after the listener was closed
	 * too. Buffered connections and the Spring Boot starter call this for you.
	 * <p>
	 * With a {@linkplain AdmissionSettings#maxConnectionsPerIp() per-IP cap}, call
	 * {@link #connectionClosed(SocketAddress)} instead: this method cannot tell which
	 * address's count to lower, so that address would stay capped.
	 */
	public void connectionClosed() {
		this.stats.recordClosed();
		this.counts.release();
	}

	/**
	 * Called on any thread when a connection counted in the shared counts was released.
	 */
	void countsReleased() {
		if (this.governor.isPaused()) {
			runOnLoop(this.governor::resume);
		}
		if (this.limited && this.counts.open() <= this.settings.effectiveResumeConnections()) {
			runOnLoop(this::resumeBelowLimit);
		}
	}

	/**
	 * Report that a connection this listener handed to the callback has closed: as
	 * {@link #connectionClosed()}, and with a
	 * {@linkplain AdmissionSettings#maxConnectionsPerIp() per-IP cap} also lowers the count
	 * of open connections from that address, at once and from any thread, so the next
	 * connection from it is admitted. Call it once per connection, with the remote address
	 * the callback was given.
	 * @param remoteAddress the remote address the callback was given
	 */
	public void connectionClosed(SocketAddress remoteAddress) {
		Objects.requireNonNull(remoteAddress, "'remoteAddress' must not be null");
		release(remoteAddress);
		connectionClosed();
	}

	/**
	 * Return how many connections from an address are open as far as the per-IP cap knows.
	 */
	int connectionsFrom(InetAddress address) {
		return (this.admissionControl != null) ? this.counts.openFrom(address) : 0;
	}

	/**
	 * Return the counts this listener enforces its connection limit and per-IP cap on.
	 * @return the counts, shared or the listener's own
	 */
	public ConnectionCounts connectionCounts() {
		return this.counts;
	}

	private void release(SocketAddress remoteAddress) {
		AdmissionControl admissionControl = this.admissionControl;
		if (admissionControl != null) {
			admissionControl.release(remoteAddress);
		}
	}

	/**
	 * Close a connection that was counted but will not be served, after its fate was
	 * counted: give back its place in the counts and, once admitted, its per-IP slot.
	 */
	private void drop(SocketChannel connection, SocketAddress remoteAddress, boolean admitted) {
		if (admitted) {
			release(remoteAddress);
		}
		this.counts.release();
		closeQuietly(connection);
	}

	/**
	 * Count a rejection of a counted connection, then {@link #drop} it: count first, so
	 * that a client that sees the close also sees the count.
	 */
	private void reject(SocketChannel connection, SocketAddress remoteAddress, boolean admitted,
			RejectionReason reason) {
		this.stats.recordRejection(reason);
		drop(connection, remoteAddress, admitted);
	}

	/**
	 * Count a connection that failed before it could be served as an aborted accept, then
	 * {@link #drop} it.
	 */
	private void abort(SocketChannel connection, SocketAddress remoteAddress, boolean admitted, IOException ex) {
		this.stats.recordAcceptError(AcceptErrorReason.CONNECTION_ABORTED, ex.getMessage());
		drop(connection, remoteAddress, admitted);
	}

	/**
	 * Stop accepting and free the listener: libevent's {@code evconnlistener_free}. With
	 * {@link ListenerOption#CLOSE_ON_FREE} the channel is closed too (and a Unix socket file
	 * the listener created is deleted). Called off the loop threads, returns once the port is
	 * released; called on any loop thread, from a callback say, returns at once, and the
	 * port is released after that loop's current iteration ({@link #closeAsync()} tells
	 * when): a loop that waited for another could deadlock. Connections already accepted
	 * stay open. Idempotent.
	 */
	@Override
	public void close() {
		awaitOffLoop(closeAsync());
	}

	/**
	 * Close as {@link #close()} does, without waiting on any thread.
	 * @return completed once the port is released; the same for every call
	 */
	public CompletableFuture<Void> closeAsync() {
		startClose(false);
		return this.released.copy();
	}

	/**
	 * Close as {@link #close()} does, without dropping a connection the listener has begun
	 * on: those waiting in the kernel's listen queue, which closing the socket would reset,
	 * are accepted first, and PROXY header reads and deferred accepts under way go on to the
	 * callback or to their timeout. For taking a listener out of service while clients keep
	 * connecting, as behind a load balancer. A connection that completes its handshake
	 * between the last accept and the close, a few system calls later, is still reset.
	 * Idempotent; has no effect on a closed listener.
	 */
	public void closeGracefully() {
		awaitOffLoop(closeGracefullyAsync());
	}

	/**
	 * Close as {@link #closeGracefully()} does, without waiting on any thread.
	 * @return completed once the port is released
	 */
	public CompletableFuture<Void> closeGracefullyAsync() {
		startClose(true);
		return this.released.copy();
	}

	private static void awaitOffLoop(CompletableFuture<Void> released) {
		if (EventLoop.current() == null) {
			released.join();
		}
	}

	private void startClose(boolean graceful) {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.graceful = graceful;
		this.accepting = false;
		if (this.loop.inEventLoop()) {
			closeOnLoop();
			return;
		}
		try {
			this.loop.execute(this::closeOnLoop);
		}
		catch (RejectedExecutionException ex) {
			// The loop is ending, and closes what is registered with it as it does.
			closeChannel();
			this.governor.close();
			this.counts.leave(this);
			EventLoop loop = this.loop;
			if (loop.awaitTermination(Duration.ZERO)) {
				this.released.complete(null);
			}
			else {
				CompletableFuture.runAsync(() -> loop.awaitTermination(Duration.ofSeconds(10)))
					.whenComplete((ignored, failure) -> this.released.complete(null));
			}
		}
	}

	/**
	 * Return how many accepted connections have not reached the callback yet: PROXY header
	 * reads and deferred accepts under way. After {@link #closeGracefully()}, they still may.
	 * @return the count, as of the loop's last change
	 */
	public int pendingConnections() {
		return this.pending;
	}

	private void pendingChanged() {
		this.pending = this.deferred.size() + this.proxyReads.size();
	}

	private void runOnLoop(Runnable task) {
		if (this.loop.inEventLoop()) {
			task.run();
			return;
		}
		try {
			this.loop.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// The loop is gone; failure() reports it and there is nothing left to update.
		}
	}

	private void register() {
		if (this.closed.get()) {
			return;
		}
		try {
			this.key = this.loop.register(this.channel, 0, new Acceptor());
			updateInterest();
		}
		catch (ClosedChannelException ex) {
			this.failure = "listening channel was closed before it was registered";
		}
	}

	private void updateInterest() {
		SelectionKey key = this.key;
		boolean want = this.enabled && this.callback != null && !this.governor.isPaused() && !this.limited && !this.closed.get()
				&& key != null && key.isValid();
		if (key != null && key.isValid()) {
			int ops = want ? SelectionKey.OP_ACCEPT : 0;
			if (key.interestOps() != ops) {
				key.interestOps(ops);
			}
		}
		this.accepting = want;
	}

	private void acceptReady() {
		for (int i = this.settings.maxAcceptsPerWakeup(); i > 0 && this.accepting; i--) {
			// Counted before accepting, so that listeners sharing the counts cannot both take
			// the last place.
			boolean counted = this.counts.tryReserve(this.settings.maxConnections());
			if (!counted && this.settings.limitAction() == ListenerSettings.LimitAction.PAUSE) {
				pauseAtLimit();
				return;
			}
			SocketChannel accepted;
			try {
				accepted = this.channel.accept();
			}
			catch (ClosedChannelException ex) {
				uncount(counted);
				this.failure = "listening channel was closed";
				this.key.cancel();
				this.accepting = false;
				return;
			}
			catch (IOException ex) {
				uncount(counted);
				if (this.governor.failed(ex, this.errorCallback)) {
					continue;
				}
				return;
			}
			if (accepted == null) {
				uncount(counted);
				return;
			}
			this.stats.recordAccept();
			this.governor.succeeded();
			if (!counted) {
				this.stats.recordRejection(RejectionReason.MAX_CONNECTIONS);
				closeQuietly(accepted);
				continue;
			}
			accepted(accepted);
		}
	}

	private void uncount(boolean counted) {
		if (counted) {
			this.counts.release();
		}
	}

	private void pauseAtLimit() {
		this.limited = true;
		this.stats.recordRejection(RejectionReason.MAX_CONNECTIONS);
		updateInterest();
		logger.log(Level.DEBUG, () -> "Listener on " + ListenerSockets.describe(this.localAddress) + " reached "
				+ this.settings.maxConnections() + " connections; accepting again at "
				+ this.settings.effectiveResumeConnections());
		// A connection may have closed between the check and the pause.
		resumeBelowLimit();
	}

	private void resumeBelowLimit() {
		if (this.limited && this.counts.open() <= this.settings.effectiveResumeConnections()) {
			this.limited = false;
			updateInterest();
		}
	}

	private void accepted(SocketChannel connection) {
		SocketAddress remoteAddress;
		try {
			remoteAddress = connection.getRemoteAddress();
		}
		catch (IOException ex) {
			abort(connection, null, false, ex);
			return;
		}
		if (this.ipv6Only && remoteAddress instanceof InetSocketAddress inet && inet.getAddress() instanceof Inet4Address) {
			reject(connection, remoteAddress, false, RejectionReason.IPV4_ON_IPV6_ONLY);
			return;
		}
		if (this.proxyProtocol.isRequired()) {
			readProxyHeader(connection, remoteAddress);
			return;
		}
		admit(AcceptedConnection.direct(connection, remoteAddress));
	}

	private void readProxyHeader(SocketChannel connection, SocketAddress peerAddress) {
		// A Unix domain peer has no address: the socket file's permissions decide who connects.
		if (peerAddress instanceof InetSocketAddress inet
				&& !this.proxyProtocol.trusts(CidrRange.normalize(inet.getAddress()).getAddress())) {
			reject(connection, peerAddress, false, RejectionReason.PROXY_UNTRUSTED);
			return;
		}
		try {
			connection.configureBlocking(false);
		}
		catch (IOException ex) {
			abort(connection, peerAddress, false, ex);
			return;
		}
		ProxyHeaderRead read = new ProxyHeaderRead(this, connection, peerAddress);
		if (read.start(this.proxyProtocol.timeout())) {
			this.proxyReads.add(read);
			pendingChanged();
		}
	}

	void proxyHeaderRead(ProxyHeaderRead read, ProxyHeader header) {
		this.proxyReads.remove(read);
		pendingChanged();
		if (!read.connection().isOpen()) {
			// Abandoned by close() between reading the header and this hand-over, which
			// gave back its place in the counts.
			return;
		}
		admit(AcceptedConnection.proxied(read.connection(), read.peerAddress(), header));
	}

	void proxyHeaderFailed(ProxyHeaderRead read, RejectionReason reason, IOException failure) {
		this.proxyReads.remove(read);
		pendingChanged();
		this.stats.recordRejection(reason);
		// The read closes the channel once told.
		this.counts.release();
		if (failure != null) {
			logger.log(Level.DEBUG, () -> "Listener on " + ListenerSockets.describe(this.localAddress)
					+ " closed the connection from " + read.peerAddress() + ": " + failure.getMessage());
		}
	}

	/**
	 * Forget a PROXY header read that its loop ended, unless it is settled already.
	 */
	void proxyHeaderAbandoned(ProxyHeaderRead read) {
		if (this.proxyReads.remove(read)) {
			pendingChanged();
			this.counts.release();
		}
	}

	/**
	 * Return the buffer PROXY headers are read into: one per listener, since reads happen on
	 * the loop thread and the parser takes every byte read before the next read.
	 */
	ByteBuffer proxyReadBuffer() {
		if (this.proxyReadBuffer == null) {
			this.proxyReadBuffer = ByteBuffer.allocate(PROXY_READ_CHUNK);
		}
		return this.proxyReadBuffer;
	}

	/**
	 * Apply the admission settings to the client's address and hand the connection over,
	 * at once or once readable.
	 */
	private void admit(AcceptedConnection accepted) {
		SocketChannel connection = accepted.channel();
		SocketAddress remoteAddress = accepted.remoteAddress();
		AdmissionControl admissionControl = this.admissionControl;
		if (admissionControl != null) {
			RejectionReason refused = admissionControl.admit(remoteAddress);
			if (refused != null) {
				reject(connection, remoteAddress, false, refused);
				return;
			}
		}
		try {
			// A fresh channel is blocking; one whose PROXY header was read is not.
			connection.configureBlocking(this.options.contains(ListenerOption.LEAVE_SOCKETS_BLOCKING)
					&& !this.options.contains(ListenerOption.DEFERRED_ACCEPT));
		}
		catch (IOException ex) {
			abort(connection, remoteAddress, true, ex);
			return;
		}
		if (this.options.contains(ListenerOption.DEFERRED_ACCEPT)) {
			DeferredAccept waiting = new DeferredAccept(this, accepted);
			if (waiting.start(this.settings.deferredAcceptTimeout())) {
				this.deferred.add(waiting);
				pendingChanged();
			}
			else {
				drop(connection, remoteAddress, true);
			}
			return;
		}
		dispatch(accepted);
	}

	void deferredReady(DeferredAccept waiting) {
		if (!this.deferred.remove(waiting)) {
			// Abandoned by close() meanwhile, which gave back its place in the counts.
			return;
		}
		pendingChanged();
		if (this.options.contains(ListenerOption.LEAVE_SOCKETS_BLOCKING)) {
			try {
				waiting.connection().configureBlocking(true);
			}
			catch (IOException ex) {
				abort(waiting.connection(), waiting.remoteAddress(), true, ex);
				return;
			}
		}
		dispatch(waiting.accepted());
	}

	void deferredTimedOut(DeferredAccept waiting) {
		this.deferred.remove(waiting);
		pendingChanged();
		// The wait closes the channel once told.
		this.stats.recordRejection(RejectionReason.DEFERRED_ACCEPT_TIMEOUT);
		release(waiting.remoteAddress());
		this.counts.release();
	}

	/**
	 * Forget a deferred accept that failed or whose loop ended, unless it is settled already.
	 */
	void deferredAbandoned(DeferredAccept waiting) {
		if (this.deferred.remove(waiting)) {
			pendingChanged();
			release(waiting.remoteAddress());
			this.counts.release();
		}
	}

	EventLoop eventLoop() {
		return this.loop;
	}

	private void dispatch(AcceptedConnection accepted) {
		SocketChannel connection = accepted.channel();
		SocketAddress remoteAddress = accepted.remoteAddress();
		AcceptCallback callback = this.callback;
		if (callback == null || (this.closed.get() && !this.graceful)) {
			reject(connection, remoteAddress, true, RejectionReason.NO_CALLBACK);
			return;
		}
		this.stats.recordOpened();
		try {
			callback.onAccept(this, accepted);
		}
		catch (RuntimeException ex) {
			this.stats.recordClosed();
			reject(connection, remoteAddress, true, RejectionReason.CALLBACK_FAILED);
			logger.log(Level.WARNING, "Accept callback of the listener on " + ListenerSockets.describe(this.localAddress)
					+ " failed; the connection from " + remoteAddress + " was closed", ex);
		}
	}

	private void closeOnLoop() {
		this.accepting = false;
		if (this.key != null) {
			this.key.cancel();
		}
		if (this.graceful) {
			acceptQueued();
		}
		else {
			for (DeferredAccept waiting : this.deferred) {
				release(waiting.remoteAddress());
				this.counts.release();
				waiting.abandon();
			}
			this.deferred.clear();
			for (ProxyHeaderRead read : this.proxyReads) {
				this.counts.release();
				read.abandon();
			}
			this.proxyReads.clear();
			pendingChanged();
		}
		closeChannel();
		this.governor.close();
		this.counts.leave(this);
		// A closed channel releases its port once the selector has deregistered it.
		this.loop.executeAfterSelect(() -> this.released.complete(null));
	}

	/**
	 * Accept what waits in the listen queue, at most {@link AcceptErrorGovernor#DRAIN_LIMIT} connections,
	 * before a graceful close.
	 */
	private void acceptQueued() {
		for (int i = 0; i < AcceptErrorGovernor.DRAIN_LIMIT; i++) {
			SocketChannel queued;
			try {
				queued = this.channel.accept();
			}
			catch (IOException ex) {
				return;
			}
			if (queued == null) {
				return;
			}
			this.stats.recordAccept();
			if (!this.counts.tryReserve(this.settings.maxConnections())) {
				// At the limit: closing the socket would reset it all the same.
				this.stats.recordRejection(RejectionReason.MAX_CONNECTIONS);
				closeQuietly(queued);
				continue;
			}
			accepted(queued);
		}
	}

	private void closeChannel() {
		if (!this.options.contains(ListenerOption.CLOSE_ON_FREE)) {
			return;
		}
		closeQuietly(this.channel);
		if (this.ownsSocketFile && this.localAddress instanceof UnixDomainSocketAddress unix) {
			try {
				Files.deleteIfExists(unix.getPath());
			}
			catch (IOException ex) {
				logger.log(Level.DEBUG, "Could not delete " + unix.getPath(), ex);
			}
		}
	}

	static void closeQuietly(java.nio.channels.Channel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// The peer is gone or the descriptor was already released; nothing to report.
		}
	}

	@Override
	public String toString() {
		return "ConnListener[" + ListenerSockets.describe(this.localAddress) + "]";
	}

	private final class Acceptor implements IoHandler {

		@Override
		public void handle(SelectionKey key) {
			acceptReady();
		}

		@Override
		public void failed(SelectionKey key, Throwable failure) {
			ConnListener.this.failure = "accept handler failed: " + failure;
			key.cancel();
			ConnListener.this.accepting = false;
		}

		@Override
		public void loopClosed(SelectionKey key) {
			ConnListener.this.accepting = false;
			closeChannel();
			ConnListener.this.governor.close();
			ConnListener.this.counts.leave(ConnListener.this);
			ConnListener.this.released.complete(null);
		}

	}

}
