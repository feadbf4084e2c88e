package io.connlistener.boot.listener;

import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.TimeUnit;

/**
 * The connections of one listener that are open, and the waiting for them to close.
 * <p>
 * Safe to use from any thread.
 */
final class OpenConnections {

	/** How often a drain looks for channels closed without telling, as raw handlers do. */
	private static final long POLL_MILLIS = 100;

	private final Set<TrackedConnection> connections = ConcurrentHashMap.newKeySet();

	private final Object monitor = new Object();

	/**
	 * Add a connection.
	 * @return how many are open now
	 */
	int add(TrackedConnection connection) {
		this.connections.add(connection);
		return this.connections.size();
	}

	/**
	 * Remove a connection.
	 * @return whether it was open
	 */
	boolean remove(TrackedConnection connection) {
		if (!this.connections.remove(connection)) {
			return false;
		}
		synchronized (this.monitor) {
			this.monitor.notifyAll();
		}
		return true;
	}

	int size() {
		return this.connections.size();
	}

	/**
	 * Report connections whose channel was closed directly, as raw handlers do.
	 */
	void releaseClosed() {
		for (TrackedConnection connection : this.connections) {
			if (!connection.channel().isOpen()) {
				connection.release();
			}
		}
	}

	/**
	 * Wait until every connection is closed, or the deadline passes.
	 * @param deadlineNanos the deadline on {@link System#nanoTime()}'s scale
	 * @return whether every connection is closed
	 */
	boolean awaitClosed(long deadlineNanos) {
		while (true) {
			releaseClosed();
			synchronized (this.monitor) {
				if (this.connections.isEmpty()) {
					return true;
				}
				long remaining = TimeUnit.NANOSECONDS.toMillis(deadlineNanos - System.nanoTime());
				if (remaining <= 0) {
					return false;
				}
				try {
					this.monitor.wait(Math.min(remaining, POLL_MILLIS));
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
		}
	}

	/**
	 * Close every connection still open.
	 * @return how many were closed
	 */
	int forceCloseAll() {
		List<TrackedConnection> remaining = new ArrayList<>(this.connections);
		int closed = 0;
		for (TrackedConnection connection : remaining) {
			if (!connection.isReleased()) {
				connection.forceClose();
				closed++;
			}
		}
		return closed;
	}

}
