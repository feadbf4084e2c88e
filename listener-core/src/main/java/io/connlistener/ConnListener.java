package io.connlistener;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.Inet4Address;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
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
import io.connlistener.loop.ScheduledTask;

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
 */
public final class ConnListener implements AutoCloseable {

	private static final FailsafeLogger logger = FailsafeLogger.of(ConnListener.class);

	static {
		// Loading a class from a directory or a jar not yet open needs a file descriptor:
		// load what the accept-error path uses now, not when the process has none left.
		EventLoop.preload(ListenerStats.AcceptError.class, AcceptErrorReason.class, AcceptBackoff.class,
				RejectionReason.class, DeferredAccept.class);
	}

	private final EventLoop loop;

	private final ServerSocketChannel channel;

	private final Set<ListenerOption> options;

	private final ListenerSettings settings;

	private final SocketAddress localAddress;

	private final boolean ownsSocketFile;

	private final boolean ipv6Only;

	private final ListenerStats stats = new ListenerStats();

	private final AcceptBackoff backoff;

	private final Set<DeferredAccept> deferred = new HashSet<>();

	private final AtomicBoolean closed = new AtomicBoolean();

	private volatile AcceptCallback callback;

	private volatile AcceptErrorCallback errorCallback;

	private volatile boolean enabled;

	private volatile boolean accepting;

	private volatile boolean paused;

	private volatile boolean limited;

	private volatile String failure;

	private SelectionKey key;

	private ScheduledTask resumeTask;

	private ConnListener(EventLoop loop, ServerSocketChannel channel, AcceptCallback callback,
			Set<ListenerOption> options, ListenerSettings settings, boolean ownsSocketFile) throws IOException {
		this.loop = loop;
		this.channel = channel;
		this.options = Collections.unmodifiableSet(options.isEmpty() ? EnumSet.noneOf(ListenerOption.class)
				: EnumSet.copyOf(options));
		this.settings = settings;
		this.callback = callback;
		this.enabled = !options.contains(ListenerOption.DISABLED);
		this.localAddress = channel.getLocalAddress();
		this.ownsSocketFile = ownsSocketFile;
		this.ipv6Only = options.contains(ListenerOption.BIND_IPV6ONLY) && ListenerSockets.isIpv6Wildcard(this.localAddress);
		this.backoff = new AcceptBackoff(settings.backoffInitial(), settings.backoffMax());
		channel.configureBlocking(false);
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
	 * error backoff, deferred-accept timeout).
	 * @param loop the loop that accepts and runs the callbacks
	 * @return a builder
	 */
	public static ConnListenerBuilder builder(EventLoop loop) {
		return new ConnListenerBuilder(loop);
	}

	static ConnListener create(EventLoop loop, SocketAddress address, AcceptCallback callback,
			AcceptErrorCallback errorCallback, Set<ListenerOption> options, int backlog, ListenerSettings settings)
			throws IOException {
		requireOpen(loop);
		ServerSocketChannel channel = ListenerSockets.bind(address, options, backlog);
		try {
			ConnListener listener = new ConnListener(loop, channel, callback, options, settings,
					address instanceof UnixDomainSocketAddress);
			listener.errorCallback = errorCallback;
			return listener;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	static ConnListener adopt(EventLoop loop, ServerSocketChannel channel, AcceptCallback callback,
			AcceptErrorCallback errorCallback, Set<ListenerOption> options, int backlog, ListenerSettings settings)
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
		ConnListener listener = new ConnListener(loop, channel, callback, options, settings, false);
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
		return this.paused;
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
	 * Report that a connection this listener accepted has closed. Counts down
	 * {@link ListenerStats#activeConnections()} and, while accepting is paused after a
	 * resource failure, resumes at once, since a descriptor is now free. Buffered
	 * connections and the Spring Boot starter call this for you.
	 */
	public void connectionClosed() {
		this.stats.recordClosed();
		if (this.paused) {
			runOnLoop(this::resume);
		}
		if (this.limited && this.stats.activeConnections() <= this.settings.effectiveResumeConnections()) {
			runOnLoop(this::resumeBelowLimit);
		}
	}

	/**
	 * Stop accepting and free the listener: libevent's {@code evconnlistener_free}. With
	 * {@link ListenerOption#CLOSE_ON_FREE} the channel is closed too (and a Unix socket file
	 * the listener created is deleted). Called off the loop thread, returns once the port is
	 * released; called on it, the port is released after the current loop iteration.
	 * Connections already accepted stay open. Idempotent.
	 */
	@Override
	public void close() {
		if (!this.closed.compareAndSet(false, true)) {
			return;
		}
		this.accepting = false;
		if (this.loop.inEventLoop()) {
			closeOnLoop(null);
			return;
		}
		CompletableFuture<Void> done = new CompletableFuture<>();
		try {
			this.loop.execute(() -> closeOnLoop(done));
		}
		catch (RejectedExecutionException ex) {
			this.loop.awaitTermination(Duration.ofSeconds(10));
			closeChannel();
			return;
		}
		done.join();
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
		boolean want = this.enabled && this.callback != null && !this.paused && !this.limited && !this.closed.get()
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
		int maxConnections = this.settings.maxConnections();
		for (int i = this.settings.maxAcceptsPerWakeup(); i > 0 && this.accepting; i--) {
			boolean full = maxConnections > 0 && this.stats.activeConnections() >= maxConnections;
			if (full && this.settings.limitAction() == ListenerSettings.LimitAction.PAUSE) {
				pauseAtLimit();
				return;
			}
			SocketChannel accepted;
			try {
				accepted = this.channel.accept();
			}
			catch (ClosedChannelException ex) {
				this.failure = "listening channel was closed";
				this.key.cancel();
				this.accepting = false;
				return;
			}
			catch (IOException ex) {
				if (acceptFailed(ex)) {
					continue;
				}
				return;
			}
			if (accepted == null) {
				return;
			}
			this.stats.recordAccept();
			int failures = this.backoff.succeeded();
			if (failures != 0) {
				logger.log(Level.INFO, () -> "Listener on " + ListenerSockets.describe(this.localAddress)
						+ " is accepting again after " + failures + " failed accepts over "
						+ Duration.ofNanos(this.backoff.episodeNanos()).toMillis() + " ms");
			}
			if (full) {
				this.stats.recordRejection(RejectionReason.MAX_CONNECTIONS);
				closeQuietly(accepted);
				continue;
			}
			accepted(accepted);
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
		if (this.limited && this.stats.activeConnections() <= this.settings.effectiveResumeConnections()) {
			this.limited = false;
			updateInterest();
		}
	}

	/**
	 * Count a failed accept; return whether to try the next one at once.
	 */
	private boolean acceptFailed(IOException error) {
		AcceptErrorReason reason = AcceptErrorReason.of(error);
		this.stats.recordAcceptError(reason, error.getMessage());
		if (!reason.isResourceFailure()) {
			return true;
		}
		boolean firstInEpisode = !this.backoff.inEpisode();
		long pause = this.backoff.failed();
		this.paused = true;
		this.stats.recordBackoff(pause);
		updateInterest();
		this.resumeTask = this.loop.schedule(Duration.ofNanos(pause), this::resume);
		if (firstInEpisode) {
			logger.log(Level.WARNING, () -> "Listener on " + ListenerSockets.describe(this.localAddress)
					+ " cannot accept (" + reason.tag() + ": " + error.getMessage() + "); pausing accepts for "
					+ Duration.ofNanos(pause).toMillis() + " ms, doubling up to " + this.settings.backoffMax().toMillis()
					+ " ms until an accept succeeds");
		}
		AcceptErrorCallback errorCallback = this.errorCallback;
		if (errorCallback != null) {
			try {
				errorCallback.onError(this, error);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Accept error callback failed", ex);
			}
		}
		return false;
	}

	private void resume() {
		if (this.resumeTask != null) {
			this.resumeTask.cancel();
			this.resumeTask = null;
		}
		if (this.paused) {
			this.paused = false;
			this.stats.recordBackoff(0);
			updateInterest();
		}
	}

	private void accepted(SocketChannel connection) {
		SocketAddress remoteAddress;
		try {
			remoteAddress = connection.getRemoteAddress();
			if (!this.options.contains(ListenerOption.LEAVE_SOCKETS_BLOCKING)
					|| this.options.contains(ListenerOption.DEFERRED_ACCEPT)) {
				connection.configureBlocking(false);
			}
		}
		catch (IOException ex) {
			this.stats.recordAcceptError(AcceptErrorReason.CONNECTION_ABORTED, ex.getMessage());
			closeQuietly(connection);
			return;
		}
		if (this.ipv6Only && remoteAddress instanceof InetSocketAddress inet && inet.getAddress() instanceof Inet4Address) {
			this.stats.recordRejection(RejectionReason.IPV4_ON_IPV6_ONLY);
			closeQuietly(connection);
			return;
		}
		if (this.options.contains(ListenerOption.DEFERRED_ACCEPT)) {
			DeferredAccept waiting = new DeferredAccept(this, connection, remoteAddress);
			if (waiting.start(this.settings.deferredAcceptTimeout())) {
				this.deferred.add(waiting);
			}
			return;
		}
		dispatch(connection, remoteAddress);
	}

	void deferredReady(DeferredAccept waiting) {
		this.deferred.remove(waiting);
		if (this.options.contains(ListenerOption.LEAVE_SOCKETS_BLOCKING)) {
			try {
				waiting.connection().configureBlocking(true);
			}
			catch (IOException ex) {
				this.stats.recordAcceptError(AcceptErrorReason.CONNECTION_ABORTED, ex.getMessage());
				closeQuietly(waiting.connection());
				return;
			}
		}
		dispatch(waiting.connection(), waiting.remoteAddress());
	}

	void deferredTimedOut(DeferredAccept waiting) {
		this.deferred.remove(waiting);
		this.stats.recordRejection(RejectionReason.DEFERRED_ACCEPT_TIMEOUT);
	}

	EventLoop eventLoop() {
		return this.loop;
	}

	private void dispatch(SocketChannel connection, SocketAddress remoteAddress) {
		AcceptCallback callback = this.callback;
		if (callback == null || this.closed.get()) {
			this.stats.recordRejection(RejectionReason.NO_CALLBACK);
			closeQuietly(connection);
			return;
		}
		this.stats.recordOpened();
		try {
			callback.onAccept(this, connection, remoteAddress);
		}
		catch (RuntimeException ex) {
			this.stats.recordRejection(RejectionReason.CALLBACK_FAILED);
			this.stats.recordClosed();
			closeQuietly(connection);
			logger.log(Level.WARNING, "Accept callback of the listener on " + ListenerSockets.describe(this.localAddress)
					+ " failed; the connection from " + remoteAddress + " was closed", ex);
		}
	}

	private void closeOnLoop(CompletableFuture<Void> done) {
		this.accepting = false;
		if (this.resumeTask != null) {
			this.resumeTask.cancel();
			this.resumeTask = null;
		}
		if (this.key != null) {
			this.key.cancel();
		}
		for (DeferredAccept waiting : this.deferred) {
			waiting.abandon();
		}
		this.deferred.clear();
		closeChannel();
		if (done != null) {
			// A closed channel releases its port once the selector has deregistered it.
			this.loop.executeAfterSelect(() -> done.complete(null));
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
		}

	}

}
