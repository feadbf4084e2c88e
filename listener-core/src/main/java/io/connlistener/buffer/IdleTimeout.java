package io.connlistener.buffer;

import java.time.Duration;
import java.util.function.BooleanSupplier;

import io.connlistener.loop.EventLoop;
import io.connlistener.loop.ScheduledTask;

/**
 * A timeout that runs out when a watched direction of a connection makes no progress for
 * its duration: the read, write or idle timeout of a {@link BufferedConnection}.
 * <p>
 * Only used on the loop thread. Progress costs a field write, not a timer: the one pending
 * timer, when it fires early, rearms itself for the time left since the last progress. When
 * it runs out, the expiry action may still make progress (a write that goes out) or leave
 * the direction watched (an event the handler ignores); the timer then rearms, for a whole
 * timeout when no progress was recorded.
 */
final class IdleTimeout {

	private final EventLoop loop;

	private final long timeoutNanos;

	private final BooleanSupplier watching;

	private final Runnable expired;

	private final Runnable fireTask = this::fire;

	private long lastProgress;

	private ScheduledTask timer;

	/**
	 * Create a timeout.
	 * @param loop the loop whose timers to use
	 * @param timeout the duration, or {@code null} for none
	 * @param watching whether the direction is watched now; a timer that fires while it is
	 * not does nothing
	 * @param expired what to do when the timeout runs out
	 */
	IdleTimeout(EventLoop loop, Duration timeout, BooleanSupplier watching, Runnable expired) {
		this.loop = loop;
		this.timeoutNanos = (timeout != null) ? timeout.toNanos() : 0;
		this.watching = watching;
		this.expired = expired;
	}

	/**
	 * Start watching from now on: called when the direction becomes watched.
	 */
	void start() {
		if (this.timeoutNanos > 0) {
			this.lastProgress = System.nanoTime();
			if (this.timer == null) {
				this.timer = this.loop.schedule(Duration.ofNanos(this.timeoutNanos), this.fireTask);
			}
		}
	}

	/**
	 * Record progress.
	 */
	void progressed() {
		if (this.timeoutNanos > 0) {
			this.lastProgress = System.nanoTime();
		}
	}

	/**
	 * Stop for good.
	 */
	void cancel() {
		if (this.timer != null) {
			this.timer.cancel();
			this.timer = null;
		}
	}

	private void fire() {
		this.timer = null;
		if (!this.watching.getAsBoolean()) {
			return;
		}
		long idle = System.nanoTime() - this.lastProgress;
		if (idle < this.timeoutNanos) {
			this.timer = this.loop.schedule(Duration.ofNanos(this.timeoutNanos - idle), this.fireTask);
			return;
		}
		this.expired.run();
		if (this.timer == null && this.watching.getAsBoolean()) {
			long now = System.nanoTime();
			if (now - this.lastProgress >= this.timeoutNanos) {
				// No progress: count the next timeout from this one, never fire in a loop.
				this.lastProgress = now;
			}
			this.timer = this.loop.schedule(Duration.ofNanos(this.timeoutNanos - (now - this.lastProgress)),
					this.fireTask);
		}
	}

}
