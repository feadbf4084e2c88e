package io.connlistener;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.lang.reflect.Method;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.function.Consumer;

import io.connlistener.admission.AdmissionSettings;
import io.connlistener.internal.FailsafeLogger;
import io.connlistener.internal.accept.AcceptCounters;
import io.connlistener.internal.accept.AcceptErrorGovernor;
import io.connlistener.internal.accept.AcceptLoop;
import io.connlistener.internal.accept.AcceptPipeline;
import io.connlistener.internal.accept.AcceptStage;
import io.connlistener.internal.accept.AdmissionStage;
import io.connlistener.internal.accept.DeferredAcceptStage;
import io.connlistener.internal.accept.Dispatch;
import io.connlistener.internal.accept.Ipv6OnlyStage;
import io.connlistener.internal.accept.ListenerSockets;
import io.connlistener.internal.accept.Occupancy;
import io.connlistener.internal.accept.ProxyHeaderStage;
import io.connlistener.internal.accept.TlsHandshakeStage;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.IoHandler;
import io.connlistener.proxy.ProxyProtocolSettings;
import io.connlistener.tls.TlsSettings;

/**
 * Accepts TCP (or Unix domain) connections on an {@link EventLoop} and hands each one to an
 * {@link AcceptCallback}: the Java counterpart of libevent's {@code evconnlistener}.
 * <p>
 * Every public method may be called from any thread, including from inside the callbacks;
 * calls made off the loop thread are handed to the loop, and none waits for a loop when
 * called on a loop thread. Callbacks always run on the loop thread. {@link #enable()} and
 * {@link #disable()} record what the caller wants at once, so {@link #isEnabled()} reflects
 * the last call, and the loop applies the latest wish.
 * <p>
 * Each accepted connection goes through a pipeline of stages before the callback sees it,
 * each of which may close it and count why ({@link ListenerStats#rejections}): the IPv6-only
 * check, the PROXY protocol header ({@link ProxyProtocolSettings}, from trusted proxies),
 * admission ({@link AdmissionSettings}: rules, a per-IP cap, an accept rate), the deferred
 * first byte, then the hand-over.
 * <p>
 * Beyond libevent, a failed accept does not make the loop spin: a failure of one connection
 * is retried at once, while running out of a resource (file descriptors, buffers) pauses
 * accepting for a backoff that doubles up to a cap, resets on success and ends early when
 * one of the listener's connections is {@linkplain #connectionClosed() reported closed}.
 * While out of file descriptors, a listener that holds a
 * {@linkplain AdmissionSettings#spareFileDescriptor() spare descriptor} closes pending
 * connections at once rather than leaving them to hang.
 */
public final class ConnListener implements AutoCloseable {

	private static final FailsafeLogger logger = FailsafeLogger.of(ConnListener.class);

	private final EventLoop loop;

	private final ServerSocketChannel channel;

	private final ListenerSpec spec;

	private final SocketAddress localAddress;

	private final boolean ownsSocketFile;

	private final AcceptCounters counters = new AcceptCounters();

	private final ListenerStats stats = new ListenerStats(this.counters);

	private final ConnectionCounts counts;

	private final Occupancy occupancy;


	private final AdmissionStage admission;

	private final AcceptPipeline pipeline;

	private final AcceptErrorGovernor governor;

	private final AcceptLoop acceptLoop;

	private final AtomicBoolean closed = new AtomicBoolean();

	/** Completed once the socket is released, after {@link #close()} or its variants. */
	private final CompletableFuture<Void> released = new CompletableFuture<>();

	private volatile AcceptCallback callback;

	private volatile AcceptErrorCallback errorCallback;

	private volatile boolean enabled;

	private volatile boolean accepting;

	private volatile boolean graceful;

	private volatile String failure;

	private SelectionKey key;

	ConnListener(EventLoop loop, ServerSocketChannel channel, ListenerSpec spec, boolean ownsSocketFile)
			throws IOException {
		this.loop = loop;
		this.channel = channel;
		this.spec = spec;
		this.callback = spec.callback();
		this.errorCallback = spec.errorCallback();
		this.enabled = !spec.options().contains(ListenerOption.DISABLED);
		this.localAddress = channel.getLocalAddress();
		this.ownsSocketFile = ownsSocketFile;
		this.counts = spec.counts();
		this.occupancy = this.counts.occupancy();
		this.admission = spec.admission().checksConnections()
				? new AdmissionStage(spec.admission(), this.occupancy, System::nanoTime) : null;
		this.pipeline = new AcceptPipeline(loop, stages(), this.counters, this.occupancy, spec.setupObserver());
		this.governor = new AcceptErrorGovernor(loop, channel, this.counters, spec.settings(),
				spec.admission().spareFileDescriptor(), this::updateInterest, this::toStringAddress);
		this.acceptLoop = new AcceptLoop(loop, channel, spec.settings(), this.occupancy, this.counters, this.governor,
				this.pipeline, this::updateInterest, this::notifyAcceptError, this::toStringAddress);
		channel.configureBlocking(false);
		this.occupancy.join(this.acceptLoop);
		runOnLoop(this::register);
	}

	/**
	 * Return the stages a connection goes through, in order.
	 */
	private List<AcceptStage> stages() {
		List<AcceptStage> stages = new ArrayList<>();
		if (this.spec.options().contains(ListenerOption.BIND_IPV6ONLY) && ListenerSockets.isIpv6Wildcard(this.localAddress)) {
			stages.add(new Ipv6OnlyStage());
		}
		if (this.spec.proxyProtocol().isRequired()) {
			stages.add(new ProxyHeaderStage(this.spec.proxyProtocol(), this::toStringAddress));
		}
		if (this.admission != null) {
			stages.add(this.admission);
		}
		if (this.spec.options().contains(ListenerOption.DEFERRED_ACCEPT)) {
			stages.add(new DeferredAcceptStage(this.spec.settings().deferredAcceptTimeout()));
		}
		if (this.spec.tls() != null) {
			stages.add(new TlsHandshakeStage(this.spec.tls(), this::toStringAddress));
		}
		stages.add(new Dispatch(this, () -> this.callback, () -> !this.closed.get() || this.graceful,
				this.spec.options().contains(ListenerOption.LEAVE_SOCKETS_BLOCKING), this.counters));
		return stages;
	}

	/**
	 * Open a channel, bind it to an address and listen on it: libevent's
	 * {@code evconnlistener_new_bind}.
	 * @param loop the loop that accepts and runs the callbacks
	 * @param address where to listen: an {@link java.net.InetSocketAddress} or a
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
	 * error backoff, deferred-accept timeout, connection limits, admission, PROXY protocol).
	 * @param loop the loop that accepts and runs the callbacks
	 * @return a builder
	 */
	public static ConnListenerBuilder builder(EventLoop loop) {
		return new ConnListenerBuilder(loop);
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
	 * Called off the loop, no connection is accepted after it returns, even in a batch the
	 * loop is in; {@link #isAccepting()} turns false when the loop has taken the socket's
	 * interest away, a moment later.
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
	 * set, not paused after an accept error or at the connection limit, and not closed.
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
		return this.acceptLoop.isLimited();
	}

	/**
	 * Replace the accept callback: libevent's {@code evconnlistener_set_cb}.
	 * @param callback the new callback; {@code null} stops accepting until one is set
	 */
	public void setCallback(AcceptCallback callback) {
		checkServesTls(callback, this.spec.tls());
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
		return this.spec.options();
	}

	/**
	 * Return the settings beyond libevent's that the listener was created with.
	 * @return the settings
	 */
	public ListenerSettings settings() {
		return this.spec.settings();
	}

	/**
	 * Return the admission settings the listener was created with.
	 * @return the admission settings
	 */
	public AdmissionSettings admission() {
		return this.spec.admission();
	}

	/**
	 * Return the PROXY protocol settings the listener was created with.
	 * @return the PROXY protocol settings
	 */
	public ProxyProtocolSettings proxyProtocol() {
		return this.spec.proxyProtocol();
	}

	/**
	 * Return the TLS settings the listener was created with.
	 * @return the TLS settings, or {@code null} for a plain listener
	 */
	public TlsSettings tls() {
		return this.spec.tls();
	}

	/**
	 * Return whether the listener holds its spare file descriptor right now: never when
	 * {@link AdmissionSettings#spareFileDescriptor()} is off or the platform has no
	 * {@code /dev/null}; briefly not after the spare was used while the process is still out
	 * of descriptors.
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
	 * Return the counts this listener enforces its connection limit and per-IP cap on.
	 * @return the counts, shared or the listener's own
	 */
	public ConnectionCounts connectionCounts() {
		return this.counts;
	}

	/**
	 * Return whether the listener is open and able to accept: not closed, its channel open
	 * and its loop running. A disabled listener is still open.
	 * @return {@code true} if open
	 */
	public boolean isOpen() {
		return !this.closed.get() && failure() == null;
	}

	/**
	 * Return why a listener that was not closed cannot accept any more.
	 * @return a description of the failure, or {@code null} if it is open or was closed
	 */
	public String failure() {
		if (this.closed.get()) {
			return null;
		}
		String failure = (this.failure != null) ? this.failure : this.acceptLoop.failure();
		if (failure != null) {
			return failure;
		}
		if (!this.channel.isOpen()) {
			return "listening channel was closed";
		}
		return this.loop.isClosed() ? this.loop + " is closed" : null;
	}

	/**
	 * Report that a connection this listener handed to the callback has closed, without
	 * saying where it came from: counts down {@link ListenerStats#activeConnections()} and
	 * the {@link ConnectionCounts}, which resumes every listener sharing them that paused at
	 * its connection limit or after a resource failure (a descriptor is free again). May be
	 * called from any thread, after the listener was closed too. Buffered connections and
	 * the Spring Boot starter call this for you. With a per-IP cap, call
	 * {@link #connectionClosed(SocketAddress)} instead, or that address stays capped.
	 */
	public void connectionClosed() {
		this.counters.recordClosed();
		this.occupancy.release();
	}

	/**
	 * Report that a connection this listener handed to the callback has closed, as
	 * {@link #connectionClosed()} does, also giving back its place under the per-IP cap at
	 * once. Call it once per connection, with the remote address the callback was given.
	 * @param remoteAddress the remote address the callback was given
	 */
	public void connectionClosed(SocketAddress remoteAddress) {
		Objects.requireNonNull(remoteAddress, "'remoteAddress' must not be null");
		if (this.admission != null) {
			this.admission.release(remoteAddress);
		}
		connectionClosed();
		Consumer<SocketAddress> observer = this.spec.closeObserver();
		if (observer != null) {
			observer.accept(remoteAddress);
		}
	}

	/**
	 * Return how many accepted connections have not reached the callback yet: PROXY header
	 * reads and deferred accepts under way. After {@link #closeGracefully()}, they still may.
	 * @return the count, as of the loop's last change
	 */
	public int pendingConnections() {
		return this.pipeline.pendingConnections();
	}

	/**
	 * Stop accepting and free the listener: libevent's {@code evconnlistener_free}. With
	 * {@link ListenerOption#CLOSE_ON_FREE} the channel is closed too (and a Unix socket file
	 * the listener created is deleted). Called off the loop threads, returns once the port is
	 * released; called on any loop thread, from a callback say, returns at once, and the
	 * port is released after that loop's current iteration ({@link #closeAsync()} tells
	 * when): a loop that waited for another could deadlock. Connections already accepted
	 * stay open; those still in a stage of the pipeline are closed. Idempotent.
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

	/**
	 * Return a future completed once the listener is closed and every connection it began on
	 * has reached the callback or been closed: after {@link #closeGracefully()}, when its
	 * PROXY header reads and deferred accepts are done.
	 * @return the future
	 */
	public CompletableFuture<Void> whenSettled() {
		return this.pipeline.whenSettled();
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
			freeResources(false);
			EventLoop loop = this.loop;
			CompletableFuture.runAsync(() -> loop.awaitTermination(Duration.ofSeconds(10)))
				.whenComplete((ignored, error) -> this.released.complete(null));
		}
	}

	private void closeOnLoop() {
		this.accepting = false;
		if (this.key != null) {
			this.key.cancel();
		}
		if (this.graceful) {
			// What the kernel queued would be reset by the close: accept it first.
			this.acceptLoop.acceptBatch(AcceptErrorGovernor.DRAIN_LIMIT, true, () -> true);
		}
		freeResources(this.graceful);
		// A closed channel releases its port once the selector has deregistered it.
		this.loop.executeAfterSelect(() -> this.released.complete(null));
	}

	/**
	 * Let go of everything but the connections already handed over: those in the pipeline
	 * (unless closing gracefully), the channel, the spare descriptor, the shared counts.
	 */
	private void freeResources(boolean graceful) {
		this.pipeline.close(graceful);
		closeChannel();
		this.governor.close();
		this.occupancy.leave(this.acceptLoop);
	}

	private void runOnLoop(Runnable task) {
		// Refused by a closed loop: failure() reports it and there is nothing left to update.
		this.loop.runInLoop(task);
	}

	private void register() {
		if (this.closed.get()) {
			return;
		}
		try {
			this.key = this.loop.register(this.channel, 0, new ReadyToAccept());
			updateInterest();
		}
		catch (ClosedChannelException ex) {
			this.failure = "listening channel was closed before it was registered";
		}
	}

	private void updateInterest() {
		SelectionKey key = this.key;
		boolean want = this.enabled && this.callback != null && !this.governor.isPaused()
				&& !this.acceptLoop.isLimited() && this.acceptLoop.failure() == null && !this.closed.get() && key != null
				&& key.isValid();
		if (key != null && key.isValid()) {
			int ops = want ? SelectionKey.OP_ACCEPT : 0;
			if (key.interestOps() != ops) {
				key.interestOps(ops);
			}
		}
		this.accepting = want;
	}

	private void notifyAcceptError(IOException error) {
		AcceptErrorCallback errorCallback = this.errorCallback;
		if (errorCallback != null) {
			try {
				errorCallback.onError(this, error);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Accept error callback failed", ex);
			}
		}
	}

	private void closeChannel() {
		if (!this.spec.options().contains(ListenerOption.CLOSE_ON_FREE)) {
			return;
		}
		AcceptPipeline.closeQuietly(this.channel);
		if (this.ownsSocketFile && this.localAddress instanceof UnixDomainSocketAddress unix) {
			try {
				Files.deleteIfExists(unix.getPath());
			}
			catch (IOException ex) {
				logger.log(Level.DEBUG, "Could not delete " + unix.getPath(), ex);
			}
		}
	}

	private String toStringAddress() {
		return ListenerSockets.describe(this.localAddress);
	}

	/**
	 * Refuse, for a TLS listener, a callback that would be handed the encrypted socket: one
	 * that only implements {@link AcceptCallback#onAccept(ConnListener, SocketChannel, SocketAddress)}.
	 * @param callback the callback, or {@code null}
	 * @param tls the listener's TLS settings, or {@code null}
	 * @throws IllegalArgumentException if the callback cannot serve TLS
	 */
	static void checkServesTls(AcceptCallback callback, TlsSettings tls) {
		if (callback == null || tls == null) {
			return;
		}
		Method method;
		try {
			method = callback.getClass().getMethod("onAccept", ConnListener.class, AcceptedConnection.class);
		}
		catch (NoSuchMethodException ex) {
			throw new IllegalStateException(ex);
		}
		if (method.getDeclaringClass() == AcceptCallback.class) {
			throw new IllegalArgumentException("A TLS listener cannot hand its connections to " + callback
					+ ": it implements only onAccept(ConnListener, SocketChannel, SocketAddress), which would get the"
					+ " encrypted socket. Implement onAccept(ConnListener, AcceptedConnection) and read and write"
					+ " AcceptedConnection.tls(), or serve the connections with BufferedConnections");
		}
	}

	@Override
	public String toString() {
		return "ConnListener[" + toStringAddress() + "]";
	}

	/**
	 * Told by the loop when the listening channel has connections to accept.
	 */
	private final class ReadyToAccept implements IoHandler {

		@Override
		public void handle(SelectionKey key) {
			// enabled too: a disable() from another thread ends the batch under way at once,
			// before the loop gets to the task that takes the socket's interest away.
			ConnListener.this.acceptLoop.acceptBatch(ConnListener.this.spec.settings().maxAcceptsPerWakeup(), false,
					() -> ConnListener.this.accepting && ConnListener.this.enabled);
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
			freeResources(false);
			ConnListener.this.released.complete(null);
		}

	}

}
