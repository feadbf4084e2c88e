package io.connlistener;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicLongArray;

/**
 * Live, read-only counters of one {@link ConnListener}.
 * <p>
 * Read from any thread. The listener's loop thread is the only writer of every figure
 * but {@link #activeConnections()}, so the hot path pays one plain volatile write per
 * accepted connection and nothing per byte.
 */
public final class ListenerStats {

	private static final AcceptErrorReason[] ERROR_REASONS = AcceptErrorReason.values();

	private static final RejectionReason[] REJECTION_REASONS = RejectionReason.values();

	private volatile long accepted;

	private final AtomicLongArray acceptErrors = new AtomicLongArray(ERROR_REASONS.length);

	private final AtomicLongArray rejections = new AtomicLongArray(REJECTION_REASONS.length);

	private final AtomicLong activeConnections = new AtomicLong();

	private volatile long backoffNanos;

	private volatile AcceptError lastAcceptError;

	/**
	 * Return how many connections the listener has accepted.
	 * @return the count
	 */
	public long accepted() {
		return this.accepted;
	}

	/**
	 * Return how many accepts failed for the given reason.
	 * @param reason the reason
	 * @return the count
	 */
	public long acceptErrors(AcceptErrorReason reason) {
		return this.acceptErrors.get(reason.ordinal());
	}

	/**
	 * Return how many accepts failed, whatever the reason.
	 * @return the count
	 */
	public long acceptErrors() {
		long total = 0;
		for (int i = 0; i < ERROR_REASONS.length; i++) {
			total += this.acceptErrors.get(i);
		}
		return total;
	}

	/**
	 * Return the accept failures by reason.
	 * @return a new map holding every reason
	 */
	public Map<AcceptErrorReason, Long> acceptErrorsByReason() {
		Map<AcceptErrorReason, Long> result = new EnumMap<>(AcceptErrorReason.class);
		for (AcceptErrorReason reason : ERROR_REASONS) {
			result.put(reason, acceptErrors(reason));
		}
		return result;
	}

	/**
	 * Return how many connections were closed for the given reason before a callback saw them.
	 * @param reason the reason
	 * @return the count
	 */
	public long rejections(RejectionReason reason) {
		return this.rejections.get(reason.ordinal());
	}

	/**
	 * Return the rejections by reason.
	 * @return a new map holding every reason
	 */
	public Map<RejectionReason, Long> rejectionsByReason() {
		Map<RejectionReason, Long> result = new EnumMap<>(RejectionReason.class);
		for (RejectionReason reason : REJECTION_REASONS) {
			result.put(reason, rejections(reason));
		}
		return result;
	}

	/**
	 * Return how many accepted connections have not yet been reported closed through
	 * {@link ConnListener#connectionClosed()}.
	 * @return the count
	 */
	public long activeConnections() {
		return this.activeConnections.get();
	}

	/**
	 * Return how long accepting is paused after a resource failure.
	 * @return the current pause, {@link Duration#ZERO} while not paused
	 */
	public Duration currentBackoff() {
		return Duration.ofNanos(this.backoffNanos);
	}

	/**
	 * Return the last accept failure.
	 * @return the failure, or {@code null} if no accept has failed
	 */
	public AcceptError lastAcceptError() {
		return this.lastAcceptError;
	}

	/**
	 * Return the sums of several listeners' counters, as of now: the counters of one
	 * service that accepts on several sockets. The pause is the longest of them and the
	 * last accept error the latest.
	 * @param stats the counters to add up
	 * @return a snapshot that does not change afterwards
	 */
	public static ListenerStats sum(Collection<ListenerStats> stats) {
		ListenerStats sum = new ListenerStats();
		long accepted = 0;
		for (ListenerStats one : stats) {
			accepted += one.accepted;
			for (int i = 0; i < ERROR_REASONS.length; i++) {
				sum.acceptErrors.addAndGet(i, one.acceptErrors.get(i));
			}
			for (int i = 0; i < REJECTION_REASONS.length; i++) {
				sum.rejections.addAndGet(i, one.rejections.get(i));
			}
			sum.activeConnections.addAndGet(one.activeConnections.get());
			sum.backoffNanos = Math.max(sum.backoffNanos, one.backoffNanos);
			AcceptError error = one.lastAcceptError;
			if (error != null && (sum.lastAcceptError == null || error.time().isAfter(sum.lastAcceptError.time()))) {
				sum.lastAcceptError = error;
			}
		}
		sum.accepted = accepted;
		return sum;
	}

	void recordAccept() {
		this.accepted++;
	}

	void recordAcceptError(AcceptErrorReason reason, String message) {
		this.acceptErrors.incrementAndGet(reason.ordinal());
		this.lastAcceptError = new AcceptError(reason, message, Instant.now());
	}

	void recordRejection(RejectionReason reason) {
		this.rejections.incrementAndGet(reason.ordinal());
	}

	void recordOpened() {
		this.activeConnections.incrementAndGet();
	}

	void recordClosed() {
		this.activeConnections.decrementAndGet();
	}

	void recordBackoff(long nanos) {
		this.backoffNanos = nanos;
	}

	/**
	 * One accept failure.
	 *
	 * @param reason why it failed
	 * @param message the JDK's message
	 * @param time when it happened
	 */
	public record AcceptError(AcceptErrorReason reason, String message, Instant time) {
	}

}
