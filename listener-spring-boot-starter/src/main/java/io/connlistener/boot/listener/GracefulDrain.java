package io.connlistener.boot.listener;

import java.time.Duration;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.stream.Collectors;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.context.ApplicationEventPublisher;

/**
 * The end of a graceful stop: once the listeners have stopped accepting, wait until their
 * addresses are released and the connections they serve have closed, or the grace period
 * ends, then close and count the rest. The grace period is the lifecycle phase's timeout
 * ({@code spring.lifecycle.timeout-per-shutdown-phase}) less a margin for closing the rest
 * (a tenth, at most a second). Each wait ends on what the last socket, pending PROXY header
 * read or connection signals; none polls.
 * <p>
 * Runs on a thread of its own, so that the lifecycle's stop returns at once.
 */
final class GracefulDrain {

	private static final Log logger = LogFactory.getLog(ConnListenerLifecycle.class);

	private static final Duration MAX_CLOSING_MARGIN = Duration.ofSeconds(1);

	private final Duration gracePeriod;

	private final ApplicationEventPublisher eventPublisher;

	GracefulDrain(Duration shutdownTimeout, ApplicationEventPublisher eventPublisher) {
		Duration margin = shutdownTimeout.dividedBy(10);
		this.gracePeriod = shutdownTimeout.minus((margin.compareTo(MAX_CLOSING_MARGIN) > 0) ? MAX_CLOSING_MARGIN : margin);
		this.eventPublisher = eventPublisher;
	}

	Duration gracePeriod() {
		return this.gracePeriod;
	}

	/**
	 * Drain the listeners on a thread of its own, then run the callback.
	 * @param stopping each stopping listener, with what completes once its address is released
	 * @param callback told once every listener is stopped
	 */
	void start(Map<ManagedConnListener, CompletableFuture<Void>> stopping, Runnable callback) {
		Thread drain = new Thread(() -> {
			try {
				drain(stopping);
			}
			finally {
				callback.run();
			}
		}, "connlistener-shutdown");
		drain.setDaemon(true);
		drain.start();
	}

	private void drain(Map<ManagedConnListener, CompletableFuture<Void>> stopping) {
		long deadline = System.nanoTime() + this.gracePeriod.toNanos();
		stopping.forEach((listener, released) -> listener.awaitDrained(released, deadline));
		for (ManagedConnListener listener : stopping.keySet()) {
			int closed = listener.closeRemaining();
			if (closed > 0) {
				logger.warn("Listener '" + listener.name() + "' closed " + closed + " connection"
						+ ((closed != 1) ? "s" : "") + " still open after the shutdown grace period of "
						+ this.gracePeriod.toMillis() + " ms");
			}
			this.eventPublisher.publishEvent(new ConnListenerStoppedEvent(listener, closed));
		}
		if (!stopping.isEmpty()) {
			logger.info("Conn listeners stopped: " + stopping.keySet()
				.stream()
				.map((listener) -> "'" + listener.name() + "'")
				.collect(Collectors.joining(", ")));
		}
	}

}
