package io.connlistener.internal.accept;

import java.util.function.LongSupplier;

/**
 * A token bucket that limits how many connections a listener admits per second. Holds
 * {@code burst} tokens, refills one every {@code 1 / ratePerSecond} seconds and starts full.
 * Used on the loop thread only; takes a token without allocating.
 */
final class AcceptRateLimiter {

	private final long intervalNanos;

	private final long capacityNanos;

	private final LongSupplier nanoClock;

	/** Credit in nanoseconds of refill time: one token is worth {@code intervalNanos}. */
	private long creditNanos;

	private long lastNanos;

	AcceptRateLimiter(double ratePerSecond, int burst, LongSupplier nanoClock) {
		this.intervalNanos = Math.max(1, (long) (1e9 / ratePerSecond));
		this.capacityNanos = (burst > Long.MAX_VALUE / this.intervalNanos) ? Long.MAX_VALUE : burst * this.intervalNanos;
		this.nanoClock = nanoClock;
		this.creditNanos = this.capacityNanos;
		this.lastNanos = nanoClock.getAsLong();
	}

	/**
	 * Take a token; return whether there was one.
	 */
	boolean tryAcquire() {
		long now = this.nanoClock.getAsLong();
		long elapsed = Math.max(0, now - this.lastNanos);
		this.lastNanos = now;
		this.creditNanos = (elapsed >= this.capacityNanos - this.creditNanos) ? this.capacityNanos
				: this.creditNanos + elapsed;
		if (this.creditNanos >= this.intervalNanos) {
			this.creditNanos -= this.intervalNanos;
			return true;
		}
		return false;
	}

}
