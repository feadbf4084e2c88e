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
 * @param maxConnections most connections open at once (accepted and not yet
 * {@linkplain ConnListener#connectionClosed() reported closed}); 0 for no limit
 * @param resumeConnections with {@link LimitAction#PAUSE}, accepting resumes once the open
 * connections drop to this many; negative for 90% of {@code maxConnections}
 * @param limitAction what to do with new connections at the limit
 */
public record ListenerSettings(int maxAcceptsPerWakeup, Duration backoffInitial, Duration backoffMax,
		Duration deferredAcceptTimeout, int maxConnections, int resumeConnections, LimitAction limitAction) {

	/** Default most accepts per wakeup, as Netty's {@code maxMessagesPerRead}. */
	public static final int DEFAULT_MAX_ACCEPTS_PER_WAKEUP = 16;

	/** Default first pause after a resource failure. */
	public static final Duration DEFAULT_BACKOFF_INITIAL = Duration.ofMillis(50);

	/** Default longest pause after resource failures in a row. */
	public static final Duration DEFAULT_BACKOFF_MAX = Duration.ofSeconds(1);

	/** Default deferred-accept timeout. */
	public static final Duration DEFAULT_DEFERRED_ACCEPT_TIMEOUT = Duration.ofSeconds(30);

	/** Default connection limit: none. */
	public static final int DEFAULT_MAX_CONNECTIONS = 0;

	/** Default resume level: 90% of the connection limit. */
	public static final int DEFAULT_RESUME_CONNECTIONS = -1;

	/** Default action at the connection limit. */
	public static final LimitAction DEFAULT_LIMIT_ACTION = LimitAction.PAUSE;

	/** The defaults. */
	public static final ListenerSettings DEFAULTS = new ListenerSettings(DEFAULT_MAX_ACCEPTS_PER_WAKEUP,
			DEFAULT_BACKOFF_INITIAL, DEFAULT_BACKOFF_MAX, DEFAULT_DEFERRED_ACCEPT_TIMEOUT, DEFAULT_MAX_CONNECTIONS,
			DEFAULT_RESUME_CONNECTIONS, DEFAULT_LIMIT_ACTION);

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
		Objects.requireNonNull(limitAction, "'limitAction' must not be null");
		if (maxConnections < 0) {
			throw new IllegalArgumentException("'maxConnections' must be 0 (no limit) or more, not " + maxConnections);
		}
		if (maxConnections > 0 && resumeConnections >= maxConnections) {
			throw new IllegalArgumentException("'resumeConnections' (" + resumeConnections
					+ ") must be less than 'maxConnections' (" + maxConnections + ")");
		}
	}

	/**
	 * Return how many open connections let accepting resume after the limit paused it.
	 * @return the resume level, 0 when there is no limit
	 */
	public int effectiveResumeConnections() {
		if (this.maxConnections == 0) {
			return 0;
		}
		return (this.resumeConnections >= 0) ? this.resumeConnections
				: Math.min(this.maxConnections - 1, this.maxConnections * 9 / 10);
	}

	/**
	 * What a listener does with new connections while {@code maxConnections} are open.
	 */
	public enum LimitAction {

		/**
		 * Stop accepting: new connections wait in the kernel's listen queue until the open
		 * connections drop to the resume level.
		 */
		PAUSE,

		/**
		 * Accept and close at once, for clients that prefer a fast failure to a wait.
		 */
		CLOSE

	}

}
