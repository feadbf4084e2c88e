package io.connlistener.boot.listener;

import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.function.ToLongFunction;

import io.connlistener.ListenerStats;
import io.connlistener.RejectionReason;
import io.connlistener.boot.listener.tracking.CloseReason;

/**
 * What a managed listener reports as rejections, by reason tag, in one order: core's, for
 * connections closed before any callback saw them ({@link RejectionReason}), then the
 * starter's, for connections it served and closed for a reason of its own (each
 * {@link CloseReason} with a tag). The endpoint's {@code rejections} and the
 * {@code conn.listener.rejections} meters both read this list, so they name the same reasons.
 */
public final class RejectionCounts {

	private static final Map<String, ToLongFunction<ManagedConnListener>> COUNTS = counts();

	private RejectionCounts() {
	}

	/**
	 * Return how to read each rejection count of a listener, by reason tag, in report order.
	 * A listener not yet bound has counted none of core's.
	 * @return an unmodifiable map from tag to count
	 */
	public static Map<String, ToLongFunction<ManagedConnListener>> byTag() {
		return COUNTS;
	}

	private static Map<String, ToLongFunction<ManagedConnListener>> counts() {
		Map<String, ToLongFunction<ManagedConnListener>> counts = new LinkedHashMap<>();
		for (RejectionReason reason : RejectionReason.values()) {
			counts.put(reason.tag(), (listener) -> {
				ListenerStats stats = listener.stats();
				return (stats != null) ? stats.rejections(reason) : 0;
			});
		}
		for (CloseReason reason : CloseReason.values()) {
			if (reason.tag() != null) {
				counts.put(reason.tag(), (listener) -> listener.outcomes().count(reason));
			}
		}
		return Collections.unmodifiableMap(counts);
	}

}
