package io.connlistener.boot.listener.tracking;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.atomic.AtomicReference;

import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;

/**
 * One accepted connection that a managed listener counts until it closes, and why it
 * closed: what the connections view shows, with an {@linkplain #id() id} unique in the
 * process, and how its handler style serves it ({@link ServedConnection}).
 * <p>
 * Safe to use from any thread. The first {@link CloseReason} recorded wins, whoever records
 * it; the release happens once, however many times and from wherever it is reported.
 */
public final class TrackedConnection {

	private static final AtomicLong ids = new AtomicLong();

	private final long id;

	private final ConnectionTracker tracker;

	private final ConnListener listener;

	private final AcceptedConnection accepted;

	private final boolean reportedThroughListener;

	private final long openedNanos = System.nanoTime();

	private final long openedMillis = System.currentTimeMillis();

	private volatile ServedConnection served;

	private final AtomicReference<CloseReason> reason = new AtomicReference<>();

	private final AtomicBoolean released = new AtomicBoolean();

	private volatile Runnable closer;

	private volatile boolean closerReleases;

	TrackedConnection(ConnectionTracker tracker, ConnListener listener, AcceptedConnection accepted,
			boolean reportedThroughListener) {
		this.tracker = tracker;
		this.listener = listener;
		this.accepted = accepted;
		this.reportedThroughListener = reportedThroughListener;
		// An id taken at accept (for the setup observation) is the connection's, so that both name it alike.
		this.id = (accepted.setup() instanceof Identified identified) ? identified.connectionId() : nextId();
	}

	/**
	 * Take the next connection id of this process: for whoever names a connection before it
	 * is tracked, such as its setup observation, which hands it on as {@link Identified}.
	 * @return the id, never taken before
	 */
	public static long nextId() {
		return ids.incrementAndGet();
	}

	/**
	 * Return the connection's id: unique among the connections of this process, never
	 * reused, and not meant to be hard to guess.
	 * @return the id
	 */
	public long id() {
		return this.id;
	}

	/**
	 * Return the core listener that accepted the connection.
	 * @return the listener
	 */
	public ConnListener listener() {
		return this.listener;
	}

	/**
	 * Return the connection as the core listener handed it over.
	 * @return the connection
	 */
	public AcceptedConnection accepted() {
		return this.accepted;
	}

	/**
	 * Return the connection's channel.
	 * @return the channel
	 */
	public SocketChannel channel() {
		return this.accepted.channel();
	}

	/**
	 * Return the client's address: behind a proxy, the one its PROXY header gave.
	 * @return the address
	 */
	public SocketAddress remoteAddress() {
		return this.accepted.remoteAddress();
	}

	/**
	 * Return the proxy's address, or {@code null} when the connection came directly.
	 * @return the address
	 */
	public SocketAddress proxyAddress() {
		return this.accepted.proxyAddress();
	}

	/**
	 * Return the name of the listener that serves the connection.
	 * @return the name
	 */
	public String listenerName() {
		return this.tracker.listenerName();
	}

	/**
	 * Return how long the connection has been open.
	 * @return nanoseconds
	 */
	public long ageNanos() {
		return System.nanoTime() - this.openedNanos;
	}

	/**
	 * Return when the connection was handed to the managed listener.
	 * @return milliseconds since the epoch
	 */
	public long openedAtMillis() {
		return this.openedMillis;
	}

	/**
	 * Return how the connection's handler style serves it.
	 * @return the served connection; {@link ServedConnection#RAW} until a style took it
	 */
	public ServedConnection served() {
		ServedConnection served = this.served;
		return (served != null) ? served : ServedConnection.RAW;
	}

	/**
	 * Return whether the connection's handler style has taken it.
	 * @return {@code false} for a moment after it was accepted, on its loop
	 */
	public boolean isServed() {
		return this.served != null;
	}

	/**
	 * Say how the connection's handler style serves it, for the connections view and for
	 * sends from outside the handler.
	 * @param served the served connection
	 */
	public void servedBy(ServedConnection served) {
		this.served = served;
	}

	/**
	 * Return why the connection is closing or closed.
	 * @return the reason, or {@code null} while none was recorded
	 */
	public CloseReason reason() {
		return this.reason.get();
	}

	/**
	 * Record why the connection is about to close, unless a reason was recorded already.
	 * @param reason the reason
	 */
	public void closing(CloseReason reason) {
		this.reason.compareAndSet(null, reason);
	}

	/**
	 * Close through the given action, before the channel itself, for a connection that holds
	 * more than its channel (buffers, a registration).
	 * @param closer closes the connection
	 */
	public void closeWith(Runnable closer) {
		this.closer = closer;
	}

	/**
	 * Close through the given action, which frees the connection and has it released (a
	 * buffered connection's close hooks run {@link #releasedAndReported()}): the channel is
	 * not closed directly.
	 * @param closer closes the connection
	 */
	public void closeThrough(Runnable closer) {
		this.closer = closer;
		this.closerReleases = true;
	}

	/**
	 * Close the connection for a reason (unless one was recorded already) and release it.
	 * @param reason the reason
	 */
	public void close(CloseReason reason) {
		closing(reason);
		Runnable closer = this.closer;
		if (closer != null) {
			closer.run();
			if (this.closerReleases) {
				return;
			}
		}
		try {
			channel().close();
		}
		catch (IOException ex) {
			// The peer is gone or the descriptor was already released; nothing to report.
		}
		released();
	}

	/**
	 * Close the connection for an operator ({@link CloseReason#CLOSED_BY_OPERATOR}). One
	 * whose handler reports its own close to the core listener (a raw handler's) is shut down
	 * both ways instead of closed: the handler, which owns the channel, reads the end of its
	 * input or fails its next write, closes the channel and reports the close once, as core's
	 * contract asks, and it is counted then. Closing and reporting it here as well would give
	 * its place under {@code max-connections} back twice.
	 */
	public void closeByOperator() {
		if (!this.reportedThroughListener) {
			close(CloseReason.CLOSED_BY_OPERATOR);
			return;
		}
		shutDownForHandler(CloseReason.CLOSED_BY_OPERATOR);
	}

	/**
	 * Record a reason and shut the channel down both ways, for a handler that reports its own
	 * close to read the end (a handler waiting on the loop's selector included) and close.
	 * @param reason the reason
	 */
	void shutDownForHandler(CloseReason reason) {
		closing(reason);
		try {
			channel().shutdownInput();
			channel().shutdownOutput();
		}
		catch (IOException ex) {
			// Closed already, or the peer is gone: the handler reports the close either way.
		}
	}

	/**
	 * Report that the connection has closed; counted once, for its reason (an ordinary close
	 * if none was recorded), and reported to the core listener.
	 */
	public void released() {
		if (this.released.compareAndSet(false, true)) {
			this.tracker.released(this, true);
		}
	}

	/**
	 * Report that the connection has closed and that the core listener was told already,
	 * by its handler or by the core's buffered connection.
	 */
	public void releasedAndReported() {
		if (this.released.compareAndSet(false, true)) {
			this.tracker.released(this, false);
		}
	}

	boolean isReleased() {
		return this.released.get();
	}

	/**
	 * Return whether the handler reports the close to the core listener itself, as raw
	 * handlers do, so that the tracker learns of it from there.
	 */
	boolean isReportedThroughListener() {
		return this.reportedThroughListener;
	}

	@Override
	public String toString() {
		return "connection from " + remoteAddress()
				+ ((proxyAddress() != null) ? " through proxy " + proxyAddress() : "") + " to listener '"
				+ listenerName() + "'";
	}

	/**
	 * What a connection carries from its accept when an id was taken for it there
	 * ({@link #nextId()}): the {@link io.connlistener.ConnectionSetup} of its setup
	 * observation.
	 */
	public interface Identified {

		/**
		 * Return the id taken for the connection at its accept.
		 * @return the id
		 */
		long connectionId();

	}

}
