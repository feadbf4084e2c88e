package io.connlistener.boot.listener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;
import java.util.function.LongConsumer;

import io.connlistener.AcceptCallback;
import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.ListenerStats;
import io.connlistener.loop.EventLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.util.Assert;

/**
 * A named {@link ConnListener} whose life a Spring application context runs: the bean
 * {@code <name>ConnListener}. It is created from configuration but binds only when the
 * context starts, so {@link #listener()} exists from then on; it counts the connections it
 * serves, pauses accepting at {@code max-connections}, and drains when the context stops.
 * <p>
 * One managed listener may accept on several sockets bound to one port with
 * {@code SO_REUSEPORT} ({@code acceptors}), each a core listener on its own loop; it shows
 * as one listener with summed counters. It accepts while an operator wants it to
 * ({@link #enable()}, {@link #disable()}) and, unless told not to follow readiness, while
 * the application accepts traffic ({@link #setRefusingTraffic(boolean)}); with
 * {@code unbind-on-disable} it closes its sockets while not accepting.
 * <p>
 * Every public method may be called from any thread; handlers of several acceptors run on
 * several loop threads at once. With {@code unbind-on-disable}, closing and binding the
 * sockets happen in {@link #enable()} and {@link #disable()}, and closing waits for each
 * acceptor's loop: a raw handler of a listener with several acceptors should not call them
 * on its loop thread while another thread may too.
 */
public final class ManagedConnListener {

	private static final Log logger = LogFactory.getLog(ManagedConnListener.class);

	/** How often connections of raw handlers, which close them directly, are looked at. */
	private static final Duration SWEEP_INTERVAL = Duration.ofMillis(200);

	/** How often a drain looks whether connections still read their PROXY header. */
	private static final long PENDING_POLL_NANOS = Duration.ofMillis(10).toNanos();

	private final ListenerDefinition definition;

	private final Object monitor = new Object();

	private final OpenConnections connections = new OpenConnections();

	private final AtomicLong handlerFailures = new AtomicLong();

	private final List<LongConsumer> closeObservers = new CopyOnWriteArrayList<>();

	private final AtomicLong rejections = new AtomicLong();

	private final AtomicLong closedOnShutdown = new AtomicLong();

	private final AtomicLong idleTimeouts = new AtomicLong();

	private final AtomicLong writeTimeouts = new AtomicLong();

	private volatile boolean enabled;

	private volatile State state = State.STOPPED;

	private final Acceptors acceptors;

	private volatile boolean refusingTraffic;

	private volatile String bindFailure;

	private volatile HandlerAdapter handler;

	private volatile int generation;

	/**
	 * Create a listener that binds later.
	 * @param definition what to bind and how
	 */
	public ManagedConnListener(ListenerDefinition definition) {
		Assert.notNull(definition, "'definition' must not be null");
		this.definition = definition;
		this.enabled = definition.enabled();
		this.acceptors = new Acceptors(definition, new Acceptor());
	}

	/**
	 * Return the listener's name.
	 * @return the name
	 */
	public String name() {
		return this.definition.name();
	}

	/**
	 * Return what the listener binds and how.
	 * @return the definition
	 */
	public ListenerDefinition definition() {
		return this.definition;
	}

	/**
	 * Return the core listener, bound when the context started.
	 * @return the listener; after a stop, the closed one, whose counters stay readable
	 * @throws IllegalStateException if the listener has never been bound
	 */
	public ConnListener listener() {
		ConnListener listener = this.acceptors.last();
		if (listener == null) {
			throw new IllegalStateException("Listener '" + name() + "' is not bound yet: it binds when the "
					+ "application context starts");
		}
		return listener;
	}

	/**
	 * Return the bound address, with the real port when configured with port 0, or the
	 * configured address before the listener binds.
	 * @return the address
	 */
	public SocketAddress localAddress() {
		ConnListener listener = this.acceptors.last();
		return (listener != null) ? listener.localAddress() : this.definition.address();
	}

	/**
	 * Describe the address as configured, with the port actually bound: a listener bound to
	 * {@code 0.0.0.0} reads {@code 0.0.0.0:9876}, not the JDK's dual-stack {@code [::]:9876}.
	 * @return the description
	 */
	public String describeAddress() {
		if (this.acceptors.last() == null) {
			return this.definition.describeAddress();
		}
		SocketAddress configured = this.definition.address();
		if (configured instanceof InetSocketAddress inet && localAddress() instanceof InetSocketAddress bound) {
			return ListenerDefinition.describe(new InetSocketAddress(inet.getAddress(), bound.getPort()));
		}
		return ListenerDefinition.describe(localAddress());
	}

	/**
	 * Return the listener's state.
	 * @return the state
	 */
	public State state() {
		return this.state;
	}

	/**
	 * Start accepting: libevent's {@code evconnlistener_enable}. Accepting starts at once
	 * unless the listener is at {@code max-connections}, stopped, not bound yet, or the
	 * application refuses traffic; with {@code unbind-on-disable} the sockets are bound
	 * again first. The wish is kept across restarts. Has no effect when already enabled.
	 */
	public void enable() {
		synchronized (this.monitor) {
			this.enabled = true;
			applyAccepting();
		}
	}

	/**
	 * Stop accepting: libevent's {@code evconnlistener_disable}. Connections that arrive
	 * meanwhile wait in the kernel's listen queue, or with {@code unbind-on-disable} are
	 * refused as the sockets are closed; connections being served go on. Has no effect
	 * when already disabled.
	 */
	public void disable() {
		synchronized (this.monitor) {
			this.enabled = false;
			applyAccepting();
		}
	}

	/**
	 * Follow the application's readiness: stop accepting while it refuses traffic, accept
	 * again once it accepts traffic, unless an operator disabled the listener. Has no
	 * effect on a listener configured with {@code follow-readiness: false}. Idempotent.
	 * @param refusingTraffic whether the application refuses traffic
	 */
	public void setRefusingTraffic(boolean refusingTraffic) {
		synchronized (this.monitor) {
			if (this.refusingTraffic == refusingTraffic) {
				return;
			}
			this.refusingTraffic = refusingTraffic;
			if (this.definition.deployment().followReadiness()) {
				logger.info("Listener '" + name() + "' " + (refusingTraffic ? "stops" : "resumes")
						+ " accepting as the application " + (refusingTraffic ? "refuses" : "accepts") + " traffic"
						+ ((!refusingTraffic && !this.enabled) ? " (it stays disabled, as an operator asked)" : ""));
				applyAccepting();
			}
		}
	}

	/**
	 * Return whether the application's readiness keeps the listener from accepting.
	 * @return {@code true} while the application refuses traffic and the listener follows
	 * readiness
	 */
	public boolean isRefusingTraffic() {
		return this.refusingTraffic && this.definition.deployment().followReadiness();
	}

	/**
	 * Return whether the listening sockets are open: from start to stop, unless closed
	 * while disabled with {@code unbind-on-disable}.
	 * @return {@code true} while bound
	 */
	public boolean isBound() {
		return this.acceptors.isOpen() && this.state == State.RUNNING;
	}

	/**
	 * Return whether the listener is enabled, as configured and as set by {@link #enable()}
	 * and {@link #disable()}.
	 * @return {@code true} if enabled
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * Return whether the listener accepts connections right now.
	 * @return {@code true} while accepting
	 */
	public boolean isAccepting() {
		return this.state == State.RUNNING && this.acceptors.current().stream().anyMatch(ConnListener::isAccepting);
	}

	/**
	 * Return whether accepting is paused because {@code max-connections} are being served.
	 * @return {@code true} at the limit
	 */
	public boolean isAtConnectionLimit() {
		return this.acceptors.current().stream().anyMatch(ConnListener::isAtConnectionLimit);
	}

	/**
	 * Return how many accepted connections are open.
	 * @return the count
	 */
	public int activeConnections() {
		return this.connections.size();
	}

	/**
	 * Return how many connections were closed because their handler threw.
	 * @return the count
	 */
	public long handlerFailures() {
		return this.handlerFailures.get();
	}

	/**
	 * Return how many accepted connections were closed because no handler thread was free.
	 * @return the count
	 */
	public long rejections() {
		return this.rejections.get();
	}

	/**
	 * Return how many connections were still open when the shutdown grace period ended, and
	 * were closed.
	 * @return the count, over every stop
	 */
	public long closedOnShutdown() {
		return this.closedOnShutdown.get();
	}

	/**
	 * Return how many connections were closed because nothing arrived for the idle
	 * timeout (buffered), or a read waited that long (blocking).
	 * @return the count
	 */
	public long idleTimeouts() {
		return this.idleTimeouts.get();
	}

	/**
	 * Return how many connections were closed because their output made no progress for
	 * the write timeout.
	 * @return the count
	 */
	public long writeTimeouts() {
		return this.writeTimeouts.get();
	}

	/**
	 * Return the core listener's counters, summed over every acceptor and over the sockets
	 * closed by a stop or by {@code unbind-on-disable}, so that they never go down.
	 * @return the counters, or {@code null} before the listener first binds
	 */
	public ListenerStats stats() {
		return this.acceptors.stats();
	}

	/**
	 * Return the core listeners of the acceptors, in order.
	 * @return the current acceptors; empty before the first bind and while released by
	 * {@code unbind-on-disable}
	 */
	public List<ConnListener> acceptors() {
		return this.acceptors.current();
	}

	/**
	 * Return how many connections one acceptor has accepted, over every bind.
	 * @param acceptor the acceptor's index, from 0 to {@code acceptors} - 1
	 * @return the count
	 */
	public long accepted(int acceptor) {
		return this.acceptors.accepted(acceptor);
	}

	/**
	 * Return why the listener cannot accept although it should, or {@code null}.
	 * @return a description of the failure, or {@code null} if there is none
	 */
	public String failure() {
		if (this.state != State.RUNNING) {
			return null;
		}
		String bindFailure = this.bindFailure;
		return (bindFailure != null) ? bindFailure : this.acceptors.failure();
	}

	void bind(EventLoop loop, HandlerAdapter handler, List<ConnListenerCustomizer> customizers) {
		bind(loop, handler, customizers, ListenerChannels.NONE);
	}

	void bind(EventLoop loop, HandlerAdapter handler, List<ConnListenerCustomizer> customizers,
			ListenerChannels channels) {
		synchronized (this.monitor) {
			Assert.state(this.state == State.STOPPED, () -> "Listener '" + name() + "' is " + this.state);
			this.handler = handler;
			try {
				this.acceptors.prepare(loop, customizers, channels);
				this.acceptors.open(wantsToAccept());
				this.state = State.RUNNING;
				this.bindFailure = null;
				if (!wantsToAccept() && this.definition.deployment().unbindOnDisable()) {
					// Bound once to check the address (and learn the port for port 0), then
					// released until enabled.
					this.acceptors.close();
				}
			}
			catch (IOException ex) {
				abandonBind(handler);
				throw new ListenerBindException(name(), this.definition.address(), ex);
			}
			catch (RuntimeException ex) {
				abandonBind(handler);
				throw ex;
			}
			this.generation++;
		}
		scheduleSweep(loop, this.generation);
	}

	private void abandonBind(HandlerAdapter handler) {
		this.acceptors.abandon();
		this.acceptors.closeLoops();
		this.state = State.STOPPED;
		handler.close();
	}

	private boolean wantsToAccept() {
		return this.enabled && !(this.refusingTraffic && this.definition.deployment().followReadiness());
	}

	/**
	 * Make the sockets accept, or not, as the operator and the application's readiness
	 * want. Called holding the monitor.
	 */
	private void applyAccepting() {
		if (this.state != State.RUNNING) {
			return;
		}
		boolean accepting = wantsToAccept();
		if (!accepting && this.definition.deployment().unbindOnDisable()) {
			if (this.acceptors.isOpen()) {
				// Queued connections and PROXY header reads under way are served, not reset.
				this.acceptors.close();
				logger.info("Listener '" + name() + "' released " + describeAddress()
						+ ": new connections are refused until it is enabled");
			}
			return;
		}
		if (accepting && !this.acceptors.isOpen()) {
			try {
				this.acceptors.open(true);
				this.bindFailure = null;
				logger.info("Listener '" + name() + "' bound " + describeAddress() + " again");
			}
			catch (IOException | RuntimeException ex) {
				this.bindFailure = "could not bind " + ListenerDefinition.describe(this.acceptors.bindAddress())
						+ " again: " + ex.getMessage();
				logger.warn("Listener '" + name() + "' " + this.bindFailure, ex);
			}
			return;
		}
		for (ConnListener acceptor : this.acceptors.current()) {
			if (accepting) {
				acceptor.enable();
			}
			else {
				acceptor.disable();
			}
		}
	}

	private void accepted(ConnListener listener, AcceptedConnection accepted) {
		// The core listener pauses accepting at max-connections and resumes as closes are reported.
		TrackedConnection connection = new TrackedConnection(this, listener, accepted);
		this.connections.add(connection);
		if (this.state == State.STOPPED) {
			// Its PROXY header came in after the shutdown grace period: too late to serve.
			this.closedOnShutdown.incrementAndGet();
			connection.forceClose();
			return;
		}
		if (this.definition.tcpNoDelay()) {
			noDelay(accepted.channel());
		}
		try {
			this.handler.serve(connection);
		}
		catch (RuntimeException ex) {
			handlerFailed(connection, ex);
		}
	}

	private static void noDelay(SocketChannel channel) {
		// A Unix domain socket has no Nagle's algorithm to turn off.
		if (channel.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
			try {
				channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			}
			catch (IOException ex) {
				// The peer is gone already: the handler's first read or write says so.
			}
		}
	}

	void released(TrackedConnection connection) {
		if (!this.connections.remove(connection)) {
			return;
		}
		// With the address, so that a per-IP cap counts the close too.
		connection.listener().connectionClosed(connection.remoteAddress());
		if (!this.closeObservers.isEmpty()) {
			long ageNanos = connection.ageNanos();
			for (LongConsumer observer : this.closeObservers) {
				observer.accept(ageNanos);
			}
		}
	}

	/**
	 * Be told how long each connection was open when it closes, for a connection-duration
	 * meter. Observers run on whichever thread closed the connection and must be quick.
	 * @param observer takes the duration in nanoseconds
	 */
	public void onConnectionClosed(LongConsumer observer) {
		Assert.notNull(observer, "'observer' must not be null");
		this.closeObservers.add(observer);
	}

	void countHandlerFailure() {
		this.handlerFailures.incrementAndGet();
	}

	void handlerFailed(TrackedConnection connection, Throwable failure) {
		this.handlerFailures.incrementAndGet();
		connection.close();
		logger.warn("Handler of listener '" + name() + "' failed; closed the " + connection, failure);
	}

	void countTimeout(boolean writing) {
		(writing ? this.writeTimeouts : this.idleTimeouts).incrementAndGet();
	}

	void timedOut(TrackedConnection connection, boolean writing) {
		countTimeout(writing);
		connection.timeoutClose();
		if (logger.isDebugEnabled()) {
			logger.debug("Listener '" + name() + "' closed the " + connection + ": "
					+ (writing ? "a write waited for the write timeout" : "a read waited for the idle timeout"));
		}
	}

	void peerFailed(TrackedConnection connection, Exception failure) {
		connection.close();
		if (logger.isDebugEnabled()) {
			logger.debug("Listener '" + name() + "' closed the " + connection + " after its I/O failed: " + failure);
		}
	}

	void rejected(TrackedConnection connection, String reason) {
		this.rejections.incrementAndGet();
		connection.close();
		if (logger.isDebugEnabled()) {
			logger.debug("Listener '" + name() + "' closed the " + connection + ": " + reason);
		}
	}

	private void scheduleSweep(EventLoop loop, int generation) {
		try {
			loop.schedule(SWEEP_INTERVAL, () -> sweep(loop, generation));
		}
		catch (RejectedExecutionException ex) {
			// The loop is closing; the drain sweeps from then on.
		}
	}

	private void sweep(EventLoop loop, int generation) {
		if (generation != this.generation || this.state == State.STOPPED) {
			return;
		}
		this.connections.releaseClosed();
		scheduleSweep(loop, generation);
	}

	/**
	 * Stop accepting and release the address at once; connections being served go on.
	 * @return whether the listener was running
	 */
	boolean stopAccepting() {
		synchronized (this.monitor) {
			if (this.state != State.RUNNING) {
				return false;
			}
			this.state = State.STOPPING;
		}
		// Outside the monitor: closing waits for the acceptor loops, whose handlers may call
		// enable() or disable(). No change of the sockets happens once STOPPING.
		this.acceptors.close();
		this.state = State.DRAINING;
		return true;
	}

	/**
	 * Wait until every connection is closed, or the deadline passes.
	 * @param deadlineNanos the deadline on {@link System#nanoTime()}'s scale
	 * @return whether every connection is closed
	 */
	boolean awaitDrained(long deadlineNanos) {
		// Connections accepted before the close may still be reading their PROXY header.
		while (this.acceptors.hasPendingConnections() && System.nanoTime() < deadlineNanos) {
			LockSupport.parkNanos(PENDING_POLL_NANOS);
		}
		return this.connections.awaitClosed(deadlineNanos);
	}

	/**
	 * Close the connections still open and release the handler's threads.
	 * @return how many connections were closed
	 */
	int closeRemaining() {
		int closed = this.connections.forceCloseAll();
		this.closedOnShutdown.addAndGet(closed);
		HandlerAdapter handler = this.handler;
		if (handler != null) {
			handler.close();
		}
		this.acceptors.closeLoops();
		this.state = State.STOPPED;
		return closed;
	}

	/**
	 * Stop at once, closing every connection: for a start that failed part way.
	 */
	void abort() {
		stopAccepting();
		closeRemaining();
	}

	@Override
	public String toString() {
		return "ManagedConnListener[" + name() + " on " + describeAddress() + ", "
				+ this.state + "]";
	}

	/**
	 * Takes what the core listener accepts, with the client's and the proxy's addresses.
	 */
	private final class Acceptor implements AcceptCallback {

		@Override
		public void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
			accepted(listener, AcceptedConnection.direct(channel, remoteAddress));
		}

		@Override
		public void onAccept(ConnListener listener, AcceptedConnection connection) {
			accepted(listener, connection);
		}

	}

	/**
	 * The life of a managed listener.
	 */
	public enum State {

		/**
		 * Not bound: before the context starts and after it stops.
		 */
		STOPPED,

		/**
		 * Bound, and accepting unless disabled or at {@code max-connections}.
		 */
		RUNNING,

		/**
		 * Stop has begun; the address is being released.
		 */
		STOPPING,

		/**
		 * The address is released; connections being served may finish.
		 */
		DRAINING

	}

}
