package io.connlistener.boot.listener.sockets;

import java.io.IOException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Consumer;

import io.connlistener.ConnListener;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.ScheduledTask;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Makes the sockets of one {@link ManagedConnListener} do what it is steered to: accept,
 * pause (stay bound, accept nothing) or release (close the sockets), with the listener's
 * {@code disable-delay} in between, during which the sockets still accept while the
 * listener is reported out of service.
 * <p>
 * Never waits: every step is either immediate (binding, enabling) or runs on the loops and
 * steers again when it completes (closing a socket, the delay's timer). Its monitor is
 * held only for such steps, so a handler on any loop thread may steer it while another
 * thread does too. {@link #steer} returns a future that completes once the sockets have
 * settled, for callers off the loop threads that want to wait.
 */
public final class AcceptSwitch {

	private static final Log logger = LogFactory.getLog(AcceptSwitch.class);

	private final String name;

	private final Acceptors acceptors;

	private final Duration disableDelay;

	private final Object monitor = new Object();

	private Goal goal = Goal.RELEASE;

	private volatile Phase phase = Phase.UNBOUND;

	private CompletableFuture<Void> settled = CompletableFuture.completedFuture(null);

	private EventLoop timerLoop;

	private ScheduledTask delayTimer;

	private boolean delayOver;

	private volatile String bindFailure;

	/**
	 * Counts the steps, so that a loop turn settles only if no step came after the one it
	 * follows: a later step settles for itself.
	 */
	private long step;

	/**
	 * Create the switch of one managed listener's sockets.
	 * @param name the listener's name, for log messages
	 * @param acceptors the sockets
	 * @param disableDelay how long the sockets keep accepting once steered away from it
	 */
	public AcceptSwitch(String name, Acceptors acceptors, Duration disableDelay) {
		this.name = name;
		this.acceptors = acceptors;
		this.disableDelay = disableDelay;
	}

	/**
	 * Bind the sockets for a run of the application context, accepting or not, and go on
	 * to the goal from there.
	 * @param loop the loop whose timer runs the disable delay
	 * @param goal what the sockets should do
	 * @return completes once the sockets have settled at the goal
	 * @throws IOException if the address cannot be bound; nothing is left bound then
	 */
	public CompletableFuture<Void> start(EventLoop loop, Goal goal) throws IOException {
		synchronized (this.monitor) {
			this.timerLoop = loop;
			this.bindFailure = null;
			this.acceptors.open(goal == Goal.ACCEPT);
			this.phase = (goal == Goal.ACCEPT) ? Phase.ACCEPTING : Phase.PAUSED;
			this.goal = goal;
			// Bound once to check the address (and learn the port for port 0), then released
			// at once when the listener starts disabled with unbind-on-disable.
			advance();
			return this.settled;
		}
	}

	/**
	 * Set what the sockets should do and start getting there.
	 * @param goal the goal
	 * @return completes once the sockets have settled, at the goal or at a later one
	 */
	public CompletableFuture<Void> steer(Goal goal) {
		synchronized (this.monitor) {
			this.goal = goal;
			advance();
			return this.settled;
		}
	}

	/**
	 * Close every socket at once, whatever is under way: for a start that failed part way,
	 * and when the shutdown grace period has run out.
	 * @return completes once the ports are released
	 */
	public CompletableFuture<Void> abandon() {
		synchronized (this.monitor) {
			cancelDelay();
			this.step++;
			this.goal = Goal.RELEASE;
			this.phase = Phase.UNBOUND;
			settle();
			return this.acceptors.abandon();
		}
	}

	/**
	 * Return whether the sockets still accept during the disable delay, the listener being
	 * on its way out of service.
	 * @return whether the listener is being taken out of service
	 */
	public boolean isTakingOut() {
		return this.phase == Phase.TAKING_OUT;
	}

	/**
	 * Return why binding the sockets again failed, or {@code null}: cleared on the next
	 * attempt.
	 * @return the failure, or {@code null}
	 */
	public String bindFailure() {
		return this.bindFailure;
	}

	/**
	 * Take the next step toward the goal: one that completes at once, or one that steers
	 * again when it completes. Called holding the monitor.
	 */
	private void advance() {
		this.step++;
		switch (this.phase) {
			case CLOSING -> {
				// Closing completes on the loops and advances again.
			}
			case UNBOUND -> {
				if (this.goal == Goal.ACCEPT) {
					bindAgain();
				}
				else {
					// A listener that need not accept has failed at nothing.
					this.bindFailure = null;
				}
				if (this.phase == Phase.ACCEPTING) {
					applyAndSettle(ConnListener::enable);
				}
				else {
					settle();
				}
			}
			case ACCEPTING -> {
				if (this.goal == Goal.ACCEPT) {
					applyAndSettle(ConnListener::enable);
				}
				else if (this.disableDelay.isZero()) {
					stopAccepting();
				}
				else {
					startDelay();
				}
			}
			case TAKING_OUT -> {
				if (this.goal == Goal.ACCEPT) {
					cancelDelay();
					this.phase = Phase.ACCEPTING;
					settle();
				}
				else if (this.delayOver) {
					this.delayOver = false;
					stopAccepting();
				}
			}
			case PAUSED -> {
				if (this.goal == Goal.ACCEPT) {
					this.phase = Phase.ACCEPTING;
					applyAndSettle(ConnListener::enable);
				}
				else {
					stopAccepting();
				}
			}
		}
	}

	/**
	 * Enable or disable every socket and settle once each socket's loop has applied it: a
	 * core listener switched from another thread accepts, or says it does not, from its
	 * loop's next turn on, and {@code enable()} and {@code disable()} promise sockets that do
	 * so on return. Called holding the monitor.
	 * @param action {@link ConnListener#enable} or {@link ConnListener#disable}
	 */
	private void applyAndSettle(Consumer<ConnListener> action) {
		List<ConnListener> current = this.acceptors.current();
		current.forEach(action);
		unsettle();
		long applied = this.step;
		CompletableFuture<?>[] turns = current.stream().map(AcceptSwitch::loopTurn).toArray(CompletableFuture[]::new);
		CompletableFuture.allOf(turns).whenComplete((done, failure) -> turned(applied));
	}

	private void turned(long applied) {
		synchronized (this.monitor) {
			if (applied == this.step) {
				settle();
			}
		}
	}

	/**
	 * Return a future that completes once the listener's loop has run the tasks handed to
	 * it before, or at once on the loop thread or when the loop is closed.
	 */
	private static CompletableFuture<Void> loopTurn(ConnListener listener) {
		CompletableFuture<Void> turned = new CompletableFuture<>();
		if (!listener.loop().runInLoop(() -> turned.complete(null))) {
			turned.complete(null);
		}
		return turned;
	}

	/**
	 * Stop accepting as the goal says, from a phase in which the sockets are bound.
	 */
	private void stopAccepting() {
		if (this.goal == Goal.PAUSE) {
			this.phase = Phase.PAUSED;
			applyAndSettle(ConnListener::disable);
			return;
		}
		this.phase = Phase.CLOSING;
		unsettle();
		String address = ListenerDefinition.describe(this.acceptors.bindAddress());
		// Queued connections and PROXY header reads under way are served, not reset.
		this.acceptors.closeGracefully().whenComplete((released, failure) -> closed(address));
	}

	private void closed(String address) {
		synchronized (this.monitor) {
			if (this.phase != Phase.CLOSING) {
				// Abandoned meanwhile.
				return;
			}
			this.phase = Phase.UNBOUND;
			logger.info("Listener '" + this.name + "' released " + address
					+ ((this.goal == Goal.ACCEPT) ? "" : ": new connections are refused until it accepts again"));
			advance();
		}
	}

	private void bindAgain() {
		try {
			this.acceptors.open(true);
			this.bindFailure = null;
			this.phase = Phase.ACCEPTING;
			logger.info("Listener '" + this.name + "' bound " + ListenerDefinition.describe(this.acceptors.bindAddress())
					+ " again");
		}
		catch (IOException | RuntimeException ex) {
			this.bindFailure = "could not bind " + ListenerDefinition.describe(this.acceptors.bindAddress())
					+ " again: " + ex.getMessage();
			logger.warn("Listener '" + this.name + "' " + this.bindFailure, ex);
		}
	}

	private void startDelay() {
		this.phase = Phase.TAKING_OUT;
		this.delayOver = false;
		unsettle();
		logger.info("Listener '" + this.name + "' is out of service and keeps accepting for "
				+ this.disableDelay.toMillis() + " ms (disable-delay) before it stops");
		try {
			this.delayTimer = this.timerLoop.schedule(this.disableDelay, this::delayEnded);
		}
		catch (RejectedExecutionException ex) {
			// The loop is closing: there is nothing left to wait for.
			this.delayOver = true;
			advance();
		}
	}

	private void delayEnded() {
		synchronized (this.monitor) {
			if (this.phase != Phase.TAKING_OUT || this.delayTimer == null) {
				return;
			}
			this.delayTimer = null;
			this.delayOver = true;
			advance();
		}
	}

	private void cancelDelay() {
		if (this.delayTimer != null) {
			this.delayTimer.cancel();
			this.delayTimer = null;
		}
		this.delayOver = false;
	}

	private void unsettle() {
		if (this.settled.isDone()) {
			this.settled = new CompletableFuture<>();
		}
	}

	private void settle() {
		this.settled.complete(null);
	}

	/**
	 * What the sockets should do.
	 */
	public enum Goal {

		/**
		 * Be bound and accept.
		 */
		ACCEPT,

		/**
		 * Stay bound, accept nothing: connections wait in the kernel's queue.
		 */
		PAUSE,

		/**
		 * Close the sockets: connections are refused.
		 */
		RELEASE

	}

	/**
	 * What the sockets do.
	 */
	private enum Phase {

		UNBOUND, ACCEPTING, TAKING_OUT, PAUSED, CLOSING

	}

}
