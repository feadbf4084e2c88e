package io.connlistener.boot.listener;

import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicBoolean;

import io.connlistener.loop.EventLoop;
import io.connlistener.loop.ScheduledTask;

/**
 * Bounds how long one direction of a blocking connection may wait in a read or a write: a
 * timer on an {@link EventLoop} runs the stall action (which closes the channel, ending the
 * blocked call with an exception) once a call has waited for the timeout. A blocking
 * {@code SocketChannel} has no timeout of its own, and a Unix domain one has no socket to
 * set {@code SO_TIMEOUT} on.
 * <p>
 * {@link #begin()} and {@link #end()} are called by the thread that reads or writes; the
 * timer runs on the loop. At most one timer is pending per watch: a call that begins while
 * one is pending is checked when it fires, which then waits for the rest of the new call's
 * timeout.
 */
final class StallWatch {

	private final EventLoop loop;

	private final long timeoutNanos;

	private final Runnable onStall;

	private final AtomicBoolean armed = new AtomicBoolean();

	private volatile long since;

	private volatile boolean stalled;

	private volatile boolean closed;

	private volatile ScheduledTask pending;

	/**
	 * Create a watch.
	 * @param loop runs the timer
	 * @param timeout longest wait of one call
	 * @param onStall run once, on the loop, when a call has waited for the timeout
	 */
	StallWatch(EventLoop loop, Duration timeout, Runnable onStall) {
		this.loop = loop;
		this.timeoutNanos = timeout.toNanos();
		this.onStall = onStall;
	}

	/**
	 * Start watching a call that may block.
	 */
	void begin() {
		long now = System.nanoTime();
		this.since = (now != 0) ? now : 1;
		if (this.armed.compareAndSet(false, true)) {
			schedule(this.timeoutNanos);
		}
	}

	/**
	 * Stop watching the call, which returned or threw.
	 */
	void end() {
		this.since = 0;
	}

	/**
	 * Return whether a call waited for the timeout, so that the failure of the call is a
	 * timeout rather than a close.
	 * @return {@code true} once stalled
	 */
	boolean isStalled() {
		return this.stalled;
	}

	/**
	 * Stop watching for good and cancel the pending timer, so that a closed connection does
	 * not stay referenced by the loop until its timeout.
	 */
	void close() {
		this.closed = true;
		ScheduledTask pending = this.pending;
		if (pending != null) {
			pending.cancel();
		}
	}

	/**
	 * Return whether a timer is pending on the loop.
	 * @return {@code true} while a timer waits to check the call
	 */
	boolean hasPendingTimer() {
		ScheduledTask pending = this.pending;
		return pending != null && !pending.isCancelled();
	}

	/**
	 * Return the timeout.
	 * @return the timeout
	 */
	Duration timeout() {
		return Duration.ofNanos(this.timeoutNanos);
	}

	private void schedule(long delayNanos) {
		if (this.closed) {
			return;
		}
		try {
			this.pending = this.loop.schedule(Duration.ofNanos(delayNanos), this::check);
		}
		catch (RejectedExecutionException ex) {
			// The loop is closing, and with it the listener's connections.
			this.armed.set(false);
		}
	}

	private void check() {
		if (this.stalled || this.closed) {
			return;
		}
		long since = this.since;
		if (since == 0) {
			this.armed.set(false);
			// A call that began after the read of since, while armed, scheduled nothing.
			if (this.since != 0 && this.armed.compareAndSet(false, true)) {
				schedule(Math.max(0, this.since + this.timeoutNanos - System.nanoTime()));
			}
			return;
		}
		long waited = System.nanoTime() - since;
		if (waited < this.timeoutNanos) {
			schedule(this.timeoutNanos - waited);
			return;
		}
		this.stalled = true;
		this.onStall.run();
	}

}
