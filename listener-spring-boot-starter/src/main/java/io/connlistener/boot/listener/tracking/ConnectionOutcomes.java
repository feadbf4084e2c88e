package io.connlistener.boot.listener.tracking;

import java.util.concurrent.atomic.AtomicLongArray;

/**
 * How the connections of one managed listener ended, by {@link CloseReason}, over every
 * run of the application context: the one place these numbers are kept, which the endpoint,
 * the meters and the health indicator read.
 * <p>
 * Written when a connection is released, from whichever thread released it; read from any.
 */
public final class ConnectionOutcomes {

	private static final CloseReason[] REASONS = CloseReason.values();

	private final AtomicLongArray counts = new AtomicLongArray(REASONS.length);

	/**
	 * Return how many connections ended for a reason.
	 * @param reason the reason
	 * @return the count
	 */
	public long count(CloseReason reason) {
		return this.counts.get(reason.ordinal());
	}

	void record(CloseReason reason) {
		this.counts.incrementAndGet(reason.ordinal());
	}

}
