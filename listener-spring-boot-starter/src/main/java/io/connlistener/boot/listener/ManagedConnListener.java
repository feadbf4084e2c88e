package io.connlistener.boot.listener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;
import java.util.function.LongConsumer;

import io.connlistener.ConnListener;
import io.connlistener.ConnectionCounts;
import io.connlistener.ListenerStats;
import io.connlistener.boot.listener.serving.HandlerAdapter;
import io.connlistener.boot.listener.sockets.AcceptSwitch;
import io.connlistener.boot.listener.sockets.Acceptors;
import io.connlistener.boot.listener.sockets.BindFailures;
import io.connlistener.boot.listener.sockets.ListenerChannels;
import io.connlistener.boot.listener.tracking.CloseReason;
import io.connlistener.boot.listener.tracking.ConnectionOutcomes;
import io.connlistener.boot.listener.tracking.ConnectionTracker;
import io.connlistener.boot.listener.tracking.MessageCounts;
import io.connlistener.boot.listener.tracking.TrafficCounts;
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
 * Every public method may be called from any thread, handlers on any loop thread included;
 * handlers of several acceptors run on several loop threads at once. No method waits for a
 * loop while holding a lock: switching the sockets ({@link AcceptSwitch}) steps ahead on
 * the loops, and only a caller off the loop threads waits for the result. Connections are
 * counted for the listener as a whole, in one {@link ConnectionCounts} that every socket of
 * every bind shares, so {@code max-connections} and the per-IP cap hold whatever the
 * acceptors and however often the sockets are closed and bound again.
 */
public final class ManagedConnListener {

	private static final Log logger = LogFactory.getLog(ManagedConnListener.class);

	/**
	 * Longest wait for a loop to release a socket or end: a healthy loop takes a few
	 * microseconds, one whose handler never returns forever. Kept within the margin that
	 * the shutdown grace period leaves.
	 */
	private static final Duration LOOP_CLOSE_TIMEOUT = Duration.ofMillis(250);

	/**
	 * How long raw handlers get, once the grace period is over, to close and report the
	 * connections shut down under them before the rest are closed for them: a handler that
	 * reads the end on its loop takes microseconds. Kept within the same margin.
	 */
	private static final Duration RAW_HANDLER_REPORT_WAIT = Duration.ofMillis(250);

	private final ListenerDefinition definition;

	private final Object monitor = new Object();

	private final ConnectionTracker tracker;

	private final ConnectionCounts counts = new ConnectionCounts();

	private volatile boolean enabled;

	private volatile State state = State.STOPPED;

	private final Acceptors acceptors;

	private final AcceptSwitch sockets;

	private volatile boolean refusingTraffic;

	private volatile HandlerAdapter handler;

	private volatile MessageObserver messageObserver;

	/**
	 * Create a listener that binds later.
	 * @param definition what to bind and how
	 */
	public ManagedConnListener(ListenerDefinition definition) {
		Assert.notNull(definition, "'definition' must not be null");
		this.definition = definition;
		this.enabled = definition.enabled();
		this.tracker = new ConnectionTracker(definition.name());
		ConnectionIntake intake = new ConnectionIntake(definition.name(), this.tracker, () -> this.handler,
				() -> this.state == State.STOPPED, definition.tcpNoDelay());
		this.acceptors = new Acceptors(definition, intake, this.counts, this.tracker::reportedClosed);
		this.sockets = new AcceptSwitch(definition.name(), this.acceptors, definition.deployment().disableDelay());
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
	 * @return the state; {@link State#FAILED} while running but unable to accept although
	 * it should
	 */
	public State state() {
		State state = this.state;
		return (state == State.RUNNING && failure() != null) ? State.FAILED : state;
	}

	/**
	 * Start accepting: libevent's {@code evconnlistener_enable}. Accepting starts at once
	 * unless the listener is at {@code max-connections}, stopped, not bound yet, or the
	 * application refuses traffic; with {@code unbind-on-disable} the sockets are bound
	 * again first. The wish is kept across restarts. Has no effect when already enabled.
	 * Off the loop threads, returns once the sockets accept; on a loop thread, at once.
	 */
	public void enable() {
		awaitOffLoop(enableAsync());
	}

	/**
	 * Start accepting as {@link #enable()} does, without waiting on any thread.
	 * @return completes once the sockets have settled
	 */
	public CompletableFuture<Void> enableAsync() {
		synchronized (this.monitor) {
			this.enabled = true;
			return steer();
		}
	}

	/**
	 * Stop accepting: libevent's {@code evconnlistener_disable}. Connections that arrive
	 * meanwhile wait in the kernel's listen queue, or with {@code unbind-on-disable} are
	 * refused as the sockets are closed; connections being served go on. With
	 * {@code disable-delay}, the listener first reports itself out of service and keeps
	 * accepting for that long. Has no effect when already disabled. Off the loop threads,
	 * returns once the sockets have stopped accepting (or are released); on a loop thread,
	 * at once.
	 */
	public void disable() {
		awaitOffLoop(disableAsync());
	}

	/**
	 * Stop accepting as {@link #disable()} does, without waiting on any thread.
	 * @return completes once the sockets have settled
	 */
	public CompletableFuture<Void> disableAsync() {
		synchronized (this.monitor) {
			this.enabled = false;
			return steer();
		}
	}

	private static void awaitOffLoop(CompletableFuture<Void> settled) {
		if (EventLoop.current() == null) {
			settled.join();
		}
	}

	/**
	 * Follow the application's readiness: stop accepting while it refuses traffic, accept
	 * again once it accepts traffic, unless an operator disabled the listener. Has no
	 * effect on a listener configured with {@code follow-readiness: false}. Idempotent.
	 * Off the loop threads, waits at most a second for the sockets to switch, and not
	 * through {@code disable-delay}.
	 * @param refusingTraffic whether the application refuses traffic
	 */
	public void setRefusingTraffic(boolean refusingTraffic) {
		CompletableFuture<Void> settled = null;
		synchronized (this.monitor) {
			if (this.refusingTraffic == refusingTraffic) {
				return;
			}
			this.refusingTraffic = refusingTraffic;
			if (this.definition.deployment().followReadiness()) {
				logger.info("Listener '" + name() + "' " + (refusingTraffic ? "stops" : "resumes")
						+ " accepting as the application " + (refusingTraffic ? "refuses" : "accepts") + " traffic"
						+ ((!refusingTraffic && !this.enabled) ? " (it stays disabled, as an operator asked)" : ""));
				settled = steer();
			}
		}
		// Briefly, and not through disable-delay: on close this runs on the thread that then
		// stops the listeners, which must not wait on a loop that never answers.
		if (settled != null && !this.sockets.isTakingOut()) {
			awaitReleased(settled);
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
	 * Return whether the listener is in service: running and meant to accept, and not on
	 * its way out during {@code disable-delay}. A listener at {@code max-connections} or
	 * pausing after an accept error is in service; one disabled, refusing traffic with the
	 * application, or stopping is not, and its health says {@code OUT_OF_SERVICE}.
	 * @return {@code true} while in service
	 */
	public boolean isInService() {
		return this.state == State.RUNNING && wantsToAccept() && !this.sockets.isTakingOut();
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
		State state = this.state;
		return (state == State.RUNNING || state == State.STOPPING)
				&& this.acceptors.current().stream().anyMatch(ConnListener::isAccepting);
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
		return this.tracker.open();
	}

	/**
	 * Return how the connections that closed ended, by reason: the one place these counts
	 * are kept, over every start of the context.
	 * @return the outcomes, live
	 */
	public ConnectionOutcomes outcomes() {
		return this.tracker.outcomes();
	}

	/**
	 * Return the framing the listener's connections are cut into messages with: its
	 * definition's, once a message handler serves them. A framing inherited from
	 * {@code conn-listener.defaults.framing} applies to message handlers only, so a listener
	 * served in another style has none.
	 * @return the framing, or {@code null} before the listener is first bound and when no
	 * message handler serves it
	 */
	public ListenerFraming framing() {
		HandlerAdapter handler = this.handler;
		return (handler != null && handler.servesMessages()) ? this.definition.framing() : null;
	}

	/**
	 * Return how many messages a message handler received and sent, and how long it took
	 * over them, over every start of the context.
	 * @return the counts, live
	 */
	public MessageCounts messages() {
		return this.tracker.messages();
	}

	/**
	 * Return how many bytes the sockets of the listener's connections moved, over every
	 * start of the context: over TLS the records, never a PROXY header, nothing of a raw
	 * handler's.
	 * @return the counts, live
	 */
	public TrafficCounts traffic() {
		return this.tracker.traffic();
	}

	/**
	 * Return the listener's open connections, by id, and what became of those that closed:
	 * what {@link ConnectionRegistry} reads.
	 * @return the tracker
	 */
	public ConnectionTracker connections() {
		return this.tracker;
	}

	/**
	 * Return how many connections were closed because their handler threw.
	 * @return the count
	 */
	public long handlerFailures() {
		return outcomes().count(CloseReason.HANDLER_FAILED);
	}

	/**
	 * Return how many accepted connections were closed because no handler thread was free.
	 * @return the count
	 */
	public long rejections() {
		return outcomes().count(CloseReason.NO_HANDLER_THREAD);
	}

	/**
	 * Return how many connections were still open when the shutdown grace period ended, and
	 * were closed.
	 * @return the count, over every stop
	 */
	public long closedOnShutdown() {
		return outcomes().count(CloseReason.SHUTDOWN);
	}

	/**
	 * Return how many connections were closed because nothing moved either way for the
	 * idle timeout.
	 * @return the count
	 */
	public long idleTimeouts() {
		return outcomes().count(CloseReason.IDLE_TIMEOUT);
	}

	/**
	 * Return how many connections were closed because their output made no progress for
	 * the write timeout.
	 * @return the count
	 */
	public long writeTimeouts() {
		return outcomes().count(CloseReason.WRITE_TIMEOUT);
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
		String bindFailure = this.sockets.bindFailure();
		return (bindFailure != null) ? bindFailure : this.acceptors.failure();
	}

	void bind(EventLoop loop, HandlerAdapter handler, List<ConnListenerCustomizer> customizers,
			ListenerChannels channels) {
		RuntimeException failure = null;
		CompletableFuture<Void> abandoned = null;
		CompletableFuture<Void> settled = null;
		synchronized (this.monitor) {
			Assert.state(this.state == State.STOPPED, () -> "Listener '" + name() + "' is " + this.state);
			this.handler = handler;
			try {
				this.acceptors.prepare(loop, customizers, channels);
				this.state = State.RUNNING;
				settled = this.sockets.start(loop, goal());
			}
			catch (IOException ex) {
				failure = new ListenerBindException(name(), this.definition.address(), BindFailures.reason(ex), ex);
				abandoned = abandonBind(handler);
			}
			catch (RuntimeException ex) {
				failure = ex;
				abandoned = abandonBind(handler);
			}
		}
		if (failure != null) {
			// Outside the monitor: a failed start leaves nothing bound.
			awaitReleased(abandoned);
			throw failure;
		}
		// A listener that starts disabled with unbind-on-disable is released on return.
		awaitReleased(settled);
	}

	private CompletableFuture<Void> abandonBind(HandlerAdapter handler) {
		CompletableFuture<Void> released = this.sockets.abandon();
		this.acceptors.closeLoops(LOOP_CLOSE_TIMEOUT);
		this.state = State.STOPPED;
		handler.close();
		return released;
	}

	/**
	 * Wait off the loop threads, at most {@link #LOOP_CLOSE_TIMEOUT}, for the sockets to
	 * settle.
	 */
	private static void awaitReleased(CompletableFuture<Void> released) {
		if (EventLoop.current() == null) {
			try {
				released.get(LOOP_CLOSE_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException | TimeoutException ex) {
				// A loop that does not answer keeps its socket until it ends.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}
	}

	private boolean wantsToAccept() {
		return this.enabled && !(this.refusingTraffic && this.definition.deployment().followReadiness());
	}

	/**
	 * Return what the sockets should do, as the operator, the application's readiness and
	 * the life cycle want.
	 */
	private AcceptSwitch.Goal goal() {
		if (this.state == State.RUNNING && wantsToAccept()) {
			return AcceptSwitch.Goal.ACCEPT;
		}
		boolean release = this.state != State.RUNNING || this.definition.deployment().unbindOnDisable();
		return release ? AcceptSwitch.Goal.RELEASE : AcceptSwitch.Goal.PAUSE;
	}

	/**
	 * Steer the sockets toward the goal. Called holding the monitor.
	 */
	private CompletableFuture<Void> steer() {
		if (this.state == State.STOPPED) {
			return CompletableFuture.completedFuture(null);
		}
		return this.sockets.steer(goal());
	}

	/**
	 * Run each call of the listener's message handler through the given observer, from the
	 * next start on. Set before the context starts, by the observation support.
	 * @param observer the observer
	 */
	public void observeMessages(MessageObserver observer) {
		Assert.notNull(observer, "'observer' must not be null");
		this.messageObserver = observer;
	}

	/**
	 * Return what each call of the listener's message handler runs through.
	 * @return the observer, or {@code null} to call the handler directly
	 */
	public MessageObserver messageObserver() {
		return this.messageObserver;
	}

	/**
	 * Be told how long each connection was open when it closes, for a connection-duration
	 * meter. Observers run on whichever thread closed the connection and must be quick.
	 * @param observer takes the duration in nanoseconds
	 */
	public void onConnectionClosed(LongConsumer observer) {
		Assert.notNull(observer, "'observer' must not be null");
		this.tracker.onClosed(observer);
	}

	/**
	 * Stop accepting and release the address, after {@code disable-delay} if the listener
	 * was accepting; connections being served go on. Returns at once.
	 * @return completes once the address is released (the state is then
	 * {@link State#DRAINING}), or {@code null} if the listener was not running
	 */
	CompletableFuture<Void> stopAccepting() {
		synchronized (this.monitor) {
			if (this.state != State.RUNNING) {
				return null;
			}
			this.state = State.STOPPING;
			return steer().thenRun(this::releasedForStop);
		}
	}

	private void releasedForStop() {
		synchronized (this.monitor) {
			if (this.state == State.STOPPING) {
				this.state = State.DRAINING;
			}
		}
	}

	/**
	 * Wait until the address is released, the connections it began on have reached their
	 * handler (PROXY headers read), and every connection is closed, or the deadline passes.
	 * Each wait ends on what the last socket, pending read or connection signals.
	 * @param released what {@link #stopAccepting()} returned
	 * @param deadlineNanos the deadline on {@link System#nanoTime()}'s scale
	 * @return whether every connection is closed
	 */
	boolean awaitDrained(CompletableFuture<Void> released, long deadlineNanos) {
		if (!await(released, deadlineNanos) || !await(this.acceptors.whenSettled(), deadlineNanos)) {
			return false;
		}
		return this.tracker.awaitEmpty(deadlineNanos);
	}

	private static boolean await(CompletableFuture<Void> future, long deadlineNanos) {
		try {
			future.get(Math.max(0, deadlineNanos - System.nanoTime()), TimeUnit.NANOSECONDS);
			return true;
		}
		catch (ExecutionException | TimeoutException ex) {
			// The rest is closed at the deadline all the same.
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Close the sockets if a loop has not yet, the connections still open, and release
	 * the handler's threads and the acceptors' loops, waiting a bounded time for each:
	 * a handler that never returns holds its thread, not the shutdown.
	 * @return how many connections were closed
	 */
	int closeRemaining() {
		CompletableFuture<Void> released;
		synchronized (this.monitor) {
			released = this.sockets.abandon();
		}
		awaitReleased(released);
		int closed = this.tracker.closeAll(CloseReason.SHUTDOWN, RAW_HANDLER_REPORT_WAIT);
		HandlerAdapter handler = this.handler;
		if (handler != null) {
			handler.close();
		}
		if (!this.acceptors.closeLoops(LOOP_CLOSE_TIMEOUT)) {
			logger.warn("Listener '" + name() + "' left an acceptor loop running after " + LOOP_CLOSE_TIMEOUT.toMillis()
					+ " ms: a handler on it does not return");
		}
		synchronized (this.monitor) {
			this.state = State.STOPPED;
		}
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
		 * Stop has begun; the address is being released, after {@code disable-delay} if the
		 * listener was accepting.
		 */
		STOPPING,

		/**
		 * The address is released; connections being served may finish.
		 */
		DRAINING,

		/**
		 * Bound and running, but unable to accept although it should: its sockets could not
		 * be bound again, or a loop or channel failed; {@link #failure()} says why. Only
		 * reported by {@link #state()}.
		 */
		FAILED

	}

}
