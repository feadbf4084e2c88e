package io.connlistener.internal.accept;

import java.time.Instant;
import java.util.Collection;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

import io.connlistener.AcceptErrorReason;
import io.connlistener.ListenerStats.AcceptError;
import io.connlistener.RejectionReason;

/**
 * The counters of one listener, written by its accept path and read through the public
 * {@link io.connlistener.ListenerStats} view.
 * <p>
 * The listener's loop thread is the only writer of every figure but the open connections,
 * which closes reported from any thread count down, so the hot path pays one plain volatile
 * write per accepted connection and nothing per byte. Read from any thread.
 */
public final class AcceptCounters {

	private static final AcceptErrorReason[] ERROR_REASONS = AcceptErrorReason.values();

	private static final RejectionReason[] REJECTION_REASONS = RejectionReason.values();

	private volatile long accepted;

	private final AtomicLongArray acceptErrors = new AtomicLongArray(ERROR_REASONS.length);

	private final AtomicLongArray rejections = new AtomicLongArray(REJECTION_REASONS.length);

	private final AtomicLong open = new AtomicLong();

	private volatile long backoffNanos;

	private volatile AcceptError lastAcceptError;

	public long accepted() {
		return this.accepted;
	}

	public long acceptErrors(AcceptErrorReason reason) {
		return this.acceptErrors.get(reason.ordinal());
	}

	public long rejections(RejectionReason reason) {
		return this.rejections.get(reason.ordinal());
	}

	public long open() {
		return this.open.get();
	}

	public long backoffNanos() {
		return this.backoffNanos;
	}

	public AcceptError lastAcceptError() {
		return this.lastAcceptError;
	}

	public void recordAccept() {
		this.accepted++;
	}

	public void recordAcceptError(AcceptErrorReason reason, String message) {
		this.acceptErrors.incrementAndGet(reason.ordinal());
		this.lastAcceptError = new AcceptError(reason, message, Instant.now());
	}

	public void recordRejection(RejectionReason reason) {
		this.rejections.incrementAndGet(reason.ordinal());
	}

	public void recordOpened() {
		this.open.incrementAndGet();
	}

	public void recordClosed() {
		this.open.decrementAndGet();
	}

	public void recordBackoff(long nanos) {
		this.backoffNanos = nanos;
	}

	/**
	 * Return the sums of several listeners' counters as of now: the longest pause, the latest
	 * accept error.
	 * @param counters the counters to add up
	 * @return a snapshot that changes no more
	 */
	public static AcceptCounters sum(Collection<AcceptCounters> counters) {
		AcceptCounters sum = new AcceptCounters();
		long accepted = 0;
		for (AcceptCounters one : counters) {
			accepted += one.accepted;
			for (int i = 0; i < ERROR_REASONS.length; i++) {
				sum.acceptErrors.addAndGet(i, one.acceptErrors.get(i));
			}
			for (int i = 0; i < REJECTION_REASONS.length; i++) {
				sum.rejections.addAndGet(i, one.rejections.get(i));
			}
			sum.open.addAndGet(one.open.get());
			sum.backoffNanos = Math.max(sum.backoffNanos, one.backoffNanos);
			AcceptError error = one.lastAcceptError;
			if (error != null && (sum.lastAcceptError == null || error.time().isAfter(sum.lastAcceptError.time()))) {
				sum.lastAcceptError = error;
			}
		}
		sum.accepted = accepted;
		return sum;
	}

}
