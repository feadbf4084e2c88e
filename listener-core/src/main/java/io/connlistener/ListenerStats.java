package io.connlistener;

import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.EnumMap;
import java.util.Map;

import io.connlistener.internal.accept.AcceptCounters;

/**
 * Live, read-only counters of one {@link ConnListener}.
 * <p>
 * Read from any thread. The listener's loop thread writes every figure but
 * {@link #activeConnections()}, so the hot path pays one plain volatile write per accepted
 * connection and nothing per byte.
 */
public final class ListenerStats {

	private final AcceptCounters counters;

	ListenerStats(AcceptCounters counters) {
		this.counters = counters;
	}

	/**
	 * Return how many connections the listener has accepted.
	 * @return the count
	 */
	public long accepted() {
		return this.counters.accepted();
	}

	/**
	 * Return how many accepts failed for the given reason.
	 * @param reason the reason
	 * @return the count
	 */
	public long acceptErrors(AcceptErrorReason reason) {
		return this.counters.acceptErrors(reason);
	}

	/**
	 * Return how many accepts failed, whatever the reason.
	 * @return the count
	 */
	public long acceptErrors() {
		long total = 0;
		for (AcceptErrorReason reason : AcceptErrorReason.values()) {
			total += acceptErrors(reason);
		}
		return total;
	}

	/**
	 * Return the accept failures by reason.
	 * @return a new map holding every reason
	 */
	public Map<AcceptErrorReason, Long> acceptErrorsByReason() {
		Map<AcceptErrorReason, Long> result = new EnumMap<>(AcceptErrorReason.class);
		for (AcceptErrorReason reason : AcceptErrorReason.values()) {
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
		return this.counters.rejections(reason);
	}

	/**
	 * Return the rejections by reason.
	 * @return a new map holding every reason
	 */
	public Map<RejectionReason, Long> rejectionsByReason() {
		Map<RejectionReason, Long> result = new EnumMap<>(RejectionReason.class);
		for (RejectionReason reason : RejectionReason.values()) {
			result.put(reason, rejections(reason));
		}
		return result;
	}

	/**
	 * Return how many connections handed to the callback have not yet been reported closed
	 * through {@link ConnListener#connectionClosed()}.
	 * @return the count
	 */
	public long activeConnections() {
		return this.counters.open();
	}

	/**
	 * Return how long accepting is paused after a resource failure.
	 * @return the current pause, {@link Duration#ZERO} while not paused
	 */
	public Duration currentBackoff() {
		return Duration.ofNanos(this.counters.backoffNanos());
	}

	/**
	 * Return the last accept failure.
	 * @return the failure, or {@code null} if no accept has failed
	 */
	public AcceptError lastAcceptError() {
		return this.counters.lastAcceptError();
	}

	/**
	 * Return the sums of several listeners' counters, as of now: the counters of one
	 * service that accepts on several sockets. The pause is the longest of them and the
	 * last accept error the latest.
	 * @param stats the counters to add up
	 * @return a snapshot that does not change afterwards
	 */
	public static ListenerStats sum(Collection<ListenerStats> stats) {
		return new ListenerStats(AcceptCounters.sum(stats.stream().map((one) -> one.counters).toList()));
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
