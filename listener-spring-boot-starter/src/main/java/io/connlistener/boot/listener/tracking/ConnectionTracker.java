package io.connlistener.boot.listener.tracking;

import java.net.SocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Collection;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.Queue;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;
import java.util.function.LongConsumer;

import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.ConnectionSetup;

/**
 * The connections of one managed listener that are open, by id, what became of those that
 * closed ({@link ConnectionOutcomes}), the bytes their sockets moved ({@link TrafficCounts}),
 * and the wait for the last one to close on shutdown: signalled by the release of that
 * connection, not polled.
 * <p>
 * Safe to use from any thread. A raw handler reports its close to the core listener
 * ({@link ConnListener#connectionClosed(SocketAddress)}), which tells the tracker through
 * {@link #reportedClosed(SocketAddress)}; every other style closes through its
 * {@link TrackedConnection}.
 */
public final class ConnectionTracker {

	private final String listenerName;

	private final Map<Long, TrackedConnection> open = new ConcurrentHashMap<>();

	/** Connections whose close the core listener reports, by client address. */
	private final Map<SocketAddress, Queue<TrackedConnection>> reportedThroughListener = new ConcurrentHashMap<>();

	private final ConnectionOutcomes outcomes = new ConnectionOutcomes();

	private final MessageCounts messages = new MessageCounts();

	private final TrafficCounts traffic = new TrafficCounts();

	private final LongAdder skippedSends = new LongAdder();

	private final List<LongConsumer> closeObservers = new CopyOnWriteArrayList<>();

	private final ReentrantLock lock = new ReentrantLock();

	private final Condition empty = this.lock.newCondition();

	/**
	 * Create a tracker.
	 * @param listenerName the managed listener's name
	 */
	public ConnectionTracker(String listenerName) {
		this.listenerName = listenerName;
	}

	/**
	 * Start tracking a connection a core listener handed over.
	 * @param listener the core listener
	 * @param accepted the connection
	 * @param reportedThroughListener whether its handler reports its close to the core
	 * listener itself, as a raw handler does
	 * @return the tracked connection
	 */
	public TrackedConnection track(ConnListener listener, AcceptedConnection accepted,
			boolean reportedThroughListener) {
		TrackedConnection connection = new TrackedConnection(this, listener, accepted, reportedThroughListener);
		this.open.put(connection.id(), connection);
		if (reportedThroughListener) {
			this.reportedThroughListener.computeIfAbsent(accepted.remoteAddress(), (address) -> new ConcurrentLinkedQueue<>())
				.add(connection);
		}
		return connection;
	}

	/**
	 * Be told that a handler reported a close to a core listener of this tracker's.
	 * @param remoteAddress the client's address it reported
	 */
	public void reportedClosed(SocketAddress remoteAddress) {
		Queue<TrackedConnection> candidates = (remoteAddress != null) ? this.reportedThroughListener.get(remoteAddress)
				: null;
		TrackedConnection closed = (candidates != null) ? pickClosed(candidates) : null;
		if (closed != null) {
			closed.releasedAndReported();
		}
	}

	/**
	 * Pick the connection of an address that was reported: one whose channel is closed
	 * first, for addresses that several connections share (Unix domain peers have none).
	 */
	private static TrackedConnection pickClosed(Queue<TrackedConnection> candidates) {
		TrackedConnection any = null;
		for (TrackedConnection candidate : candidates) {
			if (!candidate.channel().isOpen()) {
				return candidate;
			}
			any = (any != null) ? any : candidate;
		}
		return any;
	}

	void released(TrackedConnection connection, boolean reportToListener) {
		if (!this.open.remove(connection.id(), connection)) {
			return;
		}
		if (connection.isReportedThroughListener()) {
			this.reportedThroughListener.computeIfPresent(connection.remoteAddress(),
					(address, queue) -> (queue.remove(connection) && queue.isEmpty()) ? null : queue);
		}
		CloseReason reason = connection.reason();
		this.outcomes.record((reason != null) ? reason : CloseReason.CLOSED);
		// Ends the connection's setup if its first byte never came; does nothing otherwise.
		ConnectionSetup setup = connection.accepted().setup();
		if (setup != null) {
			setup.closed((reason != null) ? reason.tag() : null);
		}
		if (reportToListener) {
			// With the address, so that a per-IP cap counts the close too.
			connection.listener().connectionClosed(connection.remoteAddress());
		}
		if (this.traffic.isObserved()) {
			ServedConnection served = connection.served();
			long received = served.bytesReceived();
			if (received >= 0) {
				this.traffic.connectionClosed(received, served.bytesSent());
			}
		}
		if (!this.closeObservers.isEmpty()) {
			long ageNanos = connection.ageNanos();
			this.closeObservers.forEach((observer) -> observer.accept(ageNanos));
		}
		if (this.open.isEmpty()) {
			this.lock.lock();
			try {
				this.empty.signalAll();
			}
			finally {
				this.lock.unlock();
			}
		}
	}

	/**
	 * Return how many connections are open.
	 * @return the count
	 */
	public int open() {
		return this.open.size();
	}

	/**
	 * Return an open connection by id.
	 * @param id the connection's id
	 * @return the connection, or {@code null} if none of this tracker's is open with that id
	 */
	public TrackedConnection find(long id) {
		return this.open.get(id);
	}

	/**
	 * Return the connections open now.
	 * @return a live, unmodifiable view, safe to iterate while connections come and go
	 */
	public Collection<TrackedConnection> connections() {
		return Collections.unmodifiableCollection(this.open.values());
	}

	/**
	 * Return how the connections that closed ended.
	 * @return the outcomes, live
	 */
	public ConnectionOutcomes outcomes() {
		return this.outcomes;
	}

	/**
	 * Return what the listener's message handler received and sent.
	 * @return the counts, live
	 */
	public MessageCounts messages() {
		return this.messages;
	}

	/**
	 * Return how many bytes the connections' sockets moved.
	 * @return the counts, live
	 */
	public TrafficCounts traffic() {
		return this.traffic;
	}

	/**
	 * Return how many sends from outside the handlers were dropped because a connection's
	 * output was above the write high watermark.
	 * @return the count
	 */
	public long skippedSends() {
		return this.skippedSends.sum();
	}

	/**
	 * Count a send dropped because a connection's output was above the write high
	 * watermark.
	 */
	public void sendSkipped() {
		this.skippedSends.increment();
	}

	/**
	 * Be told how long each connection was open when it closes. Observers run on whichever
	 * thread released the connection and must be quick.
	 * @param observer takes the duration in nanoseconds
	 */
	public void onClosed(LongConsumer observer) {
		this.closeObservers.add(observer);
	}

	/**
	 * Wait until every connection is closed, or the deadline passes.
	 * @param deadlineNanos the deadline on {@link System#nanoTime()}'s scale
	 * @return whether every connection is closed
	 */
	public boolean awaitEmpty(long deadlineNanos) {
		this.lock.lock();
		try {
			while (!this.open.isEmpty()) {
				long remaining = deadlineNanos - System.nanoTime();
				if (remaining <= 0) {
					return false;
				}
				this.empty.await(remaining, TimeUnit.NANOSECONDS);
			}
			return true;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		finally {
			this.lock.unlock();
		}
	}

	/**
	 * Close every connection still open for a reason, as its listener goes away (the end of
	 * the shutdown grace period, or a start that failed). Those whose handler reports its own
	 * close to the core listener (a raw handler's) are shut down both ways first, and their
	 * handlers get up to {@code handlerReportWait} to read the end, close and report, as
	 * core's contract asks; those still open then are closed and reported here. Closing and
	 * reporting such a connection at once would have the handler report it a second time,
	 * and the listener's {@link io.connlistener.ConnectionCounts} outlive a stop: a restarted
	 * listener would admit one connection too many.
	 * @param reason the reason
	 * @param handlerReportWait how long raw handlers get to report the connections shut down
	 * @return how many were closed
	 */
	public int closeAll(CloseReason reason, Duration handlerReportWait) {
		List<TrackedConnection> remaining = new ArrayList<>();
		for (TrackedConnection connection : this.open.values()) {
			if (!connection.isReleased()) {
				remaining.add(connection);
			}
		}
		boolean shutDown = false;
		for (TrackedConnection connection : remaining) {
			if (connection.isReportedThroughListener()) {
				connection.shutDownForHandler(reason);
				shutDown = true;
			}
			else {
				connection.close(reason);
			}
		}
		if (shutDown) {
			awaitEmpty(System.nanoTime() + handlerReportWait.toNanos());
			for (TrackedConnection connection : remaining) {
				if (connection.isReportedThroughListener() && !connection.isReleased()) {
					// Its handler has not reported by now, and is not counted on to: free the descriptor.
					connection.close(reason);
				}
			}
		}
		return remaining.size();
	}

	String listenerName() {
		return this.listenerName;
	}

}
