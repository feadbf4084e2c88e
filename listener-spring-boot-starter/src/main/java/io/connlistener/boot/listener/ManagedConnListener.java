package io.connlistener.boot.listener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.time.Duration;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLong;

import io.connlistener.ConnListener;
import io.connlistener.ConnListenerBuilder;
import io.connlistener.ListenerOption;
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
 * Every public method may be called from any thread.
 */
public final class ManagedConnListener {

	private static final Log logger = LogFactory.getLog(ManagedConnListener.class);

	/** How often connections of raw handlers, which close them directly, are looked at. */
	private static final Duration SWEEP_INTERVAL = Duration.ofMillis(200);

	private final ListenerDefinition definition;

	private final Object monitor = new Object();

	private final OpenConnections connections = new OpenConnections();

	private final AtomicLong handlerFailures = new AtomicLong();

	private final AtomicLong rejections = new AtomicLong();

	private final AtomicLong closedOnShutdown = new AtomicLong();

	private volatile boolean enabled;

	private volatile boolean atLimit;

	private volatile State state = State.STOPPED;

	private volatile ConnListener listener;

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
		ConnListener listener = this.listener;
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
		ConnListener listener = this.listener;
		return (listener != null) ? listener.localAddress() : this.definition.address();
	}

	/**
	 * Describe the address as configured, with the port actually bound: a listener bound to
	 * {@code 0.0.0.0} reads {@code 0.0.0.0:9876}, not the JDK's dual-stack {@code [::]:9876}.
	 * @return the description
	 */
	public String describeAddress() {
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
	 * unless the listener is at {@code max-connections}, stopped or not bound yet; the wish
	 * is kept across restarts. Has no effect when already enabled.
	 */
	public void enable() {
		synchronized (this.monitor) {
			this.enabled = true;
			ConnListener listener = this.listener;
			if (listener != null && this.state == State.RUNNING && !this.atLimit) {
				listener.enable();
			}
		}
	}

	/**
	 * Stop accepting: libevent's {@code evconnlistener_disable}. Connections that arrive
	 * meanwhile wait in the kernel's listen queue; connections being served go on. Has no
	 * effect when already disabled.
	 */
	public void disable() {
		synchronized (this.monitor) {
			this.enabled = false;
			ConnListener listener = this.listener;
			if (listener != null) {
				listener.disable();
			}
		}
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
		ConnListener listener = this.listener;
		return this.state == State.RUNNING && listener != null && listener.isAccepting();
	}

	/**
	 * Return whether accepting is paused because {@code max-connections} are being served.
	 * @return {@code true} at the limit
	 */
	public boolean isAtConnectionLimit() {
		return this.atLimit;
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
	 * Return the core listener's counters.
	 * @return the counters, or {@code null} before the listener first binds
	 */
	public ListenerStats stats() {
		ConnListener listener = this.listener;
		return (listener != null) ? listener.stats() : null;
	}

	void bind(EventLoop loop, HandlerAdapter handler, List<ConnListenerCustomizer> customizers) {
		Set<ListenerOption> options = EnumSet.noneOf(ListenerOption.class);
		options.addAll(this.definition.options());
		options.remove(ListenerOption.DISABLED);
		synchronized (this.monitor) {
			Assert.state(this.state == State.STOPPED, () -> "Listener '" + name() + "' is " + this.state);
			if (!this.enabled) {
				options.add(ListenerOption.DISABLED);
			}
			this.atLimit = false;
			this.handler = handler;
		}
		ConnListener listener;
		try {
			ConnListenerBuilder builder = ConnListener.builder(loop)
				.options(options)
				.backlog(this.definition.backlog())
				.settings(this.definition.settings());
			for (ConnListenerCustomizer customizer : customizers) {
				customizer.customize(name(), builder);
			}
			listener = builder.callback(this::accepted).bind(this.definition.address());
		}
		catch (IOException ex) {
			handler.close();
			throw new ListenerBindException(name(), this.definition.address(), ex);
		}
		catch (RuntimeException ex) {
			handler.close();
			throw ex;
		}
		int generation;
		synchronized (this.monitor) {
			this.listener = listener;
			this.state = State.RUNNING;
			generation = ++this.generation;
		}
		scheduleSweep(listener, generation);
	}

	private void accepted(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
		TrackedConnection connection = new TrackedConnection(this, listener, channel, remoteAddress);
		if (this.connections.add(connection) >= this.definition.maxConnections()) {
			limitReached(listener);
		}
		try {
			this.handler.serve(connection);
		}
		catch (RuntimeException ex) {
			handlerFailed(connection, ex);
		}
	}

	private void limitReached(ConnListener listener) {
		synchronized (this.monitor) {
			if (!this.atLimit) {
				this.atLimit = true;
				listener.disable();
				if (logger.isDebugEnabled()) {
					logger.debug("Listener '" + name() + "' serves " + this.definition.maxConnections()
							+ " connections (max-connections); accepting pauses until one closes");
				}
			}
		}
	}

	void released(TrackedConnection connection) {
		if (!this.connections.remove(connection)) {
			return;
		}
		connection.listener().connectionClosed();
		synchronized (this.monitor) {
			if (this.atLimit && this.connections.size() < this.definition.maxConnections()) {
				this.atLimit = false;
				ConnListener listener = this.listener;
				if (this.enabled && this.state == State.RUNNING && listener != null) {
					listener.enable();
				}
			}
		}
	}

	void countHandlerFailure() {
		this.handlerFailures.incrementAndGet();
	}

	void handlerFailed(TrackedConnection connection, Throwable failure) {
		this.handlerFailures.incrementAndGet();
		connection.close();
		logger.warn("Handler of listener '" + name() + "' failed; closed the " + connection, failure);
	}

	void rejected(TrackedConnection connection, String reason) {
		this.rejections.incrementAndGet();
		connection.close();
		if (logger.isDebugEnabled()) {
			logger.debug("Listener '" + name() + "' closed the " + connection + ": " + reason);
		}
	}

	private void scheduleSweep(ConnListener listener, int generation) {
		try {
			listener.loop().schedule(SWEEP_INTERVAL, () -> sweep(listener, generation));
		}
		catch (RejectedExecutionException ex) {
			// The loop is closing; the drain sweeps from then on.
		}
	}

	private void sweep(ConnListener listener, int generation) {
		if (generation != this.generation || this.state == State.STOPPED) {
			return;
		}
		this.connections.releaseClosed();
		scheduleSweep(listener, generation);
	}

	/**
	 * Stop accepting and release the address at once; connections being served go on.
	 * @return whether the listener was running
	 */
	boolean stopAccepting() {
		ConnListener listener;
		synchronized (this.monitor) {
			if (this.state != State.RUNNING) {
				return false;
			}
			this.state = State.STOPPING;
			listener = this.listener;
		}
		listener.close();
		closeChannel(listener);
		this.state = State.DRAINING;
		return true;
	}

	private void closeChannel(ConnListener listener) {
		try {
			// The starter bound the channel, so it closes it whatever the options say.
			listener.channel().close();
			if (listener.localAddress() instanceof UnixDomainSocketAddress unix) {
				Files.deleteIfExists(unix.getPath());
			}
		}
		catch (IOException ex) {
			logger.debug("Could not release " + ListenerDefinition.describe(listener.localAddress()), ex);
		}
	}

	/**
	 * Wait until every connection is closed, or the deadline passes.
	 * @param deadlineNanos the deadline on {@link System#nanoTime()}'s scale
	 * @return whether every connection is closed
	 */
	boolean awaitDrained(long deadlineNanos) {
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
