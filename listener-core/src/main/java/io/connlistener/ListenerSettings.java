package io.connlistener;

import java.time.Duration;
import java.util.Objects;

/**
 * Settings of a {@link ConnListener} beyond libevent's arguments.
 *
 * @param maxAcceptsPerWakeup most connections accepted per loop wakeup, so that one busy
 * listener cannot starve the loop's other channels
 * @param backoffInitial first pause after a resource failure of accept
 * @param backoffMax longest pause; each failure in a row doubles the pause up to this
 * @param deferredAcceptTimeout how long a connection accepted with
 * {@link ListenerOption#DEFERRED_ACCEPT} may stay silent before it is closed
 */
public record ListenerSettings(int maxAcceptsPerWakeup, Duration backoffInitial, Duration backoffMax,
		Duration deferredAcceptTimeout) {

	/** Default most accepts per wakeup, as Netty's {@code maxMessagesPerRead}. */
	public static final int DEFAULT_MAX_ACCEPTS_PER_WAKEUP = 16;

	/** Default first pause after a resource failure. */
	public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(50);

	/** Default longest pause after resource failures in a row. */
	public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(1);

	/** Default deferred-accept timeout. */
	public static final Duration DEFAULT_DEFERRED_ACCEPT_TIMEOUT = Duration.ofSeconds(30);

	/** The defaults. */
	public static final ListenerSettings DEFAULTS = new ListenerSettings(DEFAULT_MAX_ACCEPTS_PER_WAKEUP,
			DEFAULT_BACKOFF_INITIAL, DEFAULT_BACKOFF_MAX, DEFAULT_DEFERRED_ACCEPT_TIMEOUT);

	/**
	 * Check the settings.
	 * @throws IllegalArgumentException if a value is out of range
	 */
	public ListenerSettings {
		Objects.requireNonNull(backoffInitial, "'backoffInitial' must not be null");
		Objects.requireNonNull(backoffMax, "'backoffMax' must not be null");
		Objects.requireNonNull(deferredAcceptTimeout, "'deferredAcceptTimeout' must not be null");
		if (maxAcceptsPerWakeup < 1) {
			throw new IllegalArgumentException("'maxAcceptsPerWakeup' must be at least 1, not " + maxAcceptsPerWakeup);
		}
		if (backoffInitial.isNegative() || backoffInitial.isZero()) {
			throw new IllegalArgumentException("'backoffInitial' must be positive, not " + backoffInitial);
		}
		if (backoffMax.compareTo(backoffInitial) < 0) {
			throw new IllegalArgumentException(
					"'backoffMax' (" + backoffMax + ") must not be less than 'backoffInitial' (" + backoffInitial + ")");
		}
		if (deferredAcceptTimeout.isNegative() || deferredAcceptTimeout.isZero()) {
			throw new IllegalArgumentException("'deferredAcceptTimeout' must be positive, not " + deferredAcceptTimeout);
		}
	}

}
