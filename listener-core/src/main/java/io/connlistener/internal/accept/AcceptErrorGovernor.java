package io.connlistener.internal.accept;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.function.Supplier;

import io.connlistener.AcceptErrorReason;
import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.ListenerSettings;
import io.connlistener.ListenerStats.AcceptError;
import io.connlistener.RejectionReason;
import io.connlistener.internal.FailsafeLogger;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.ScheduledTask;

/**
 * What a listener does when {@code accept()} fails, beyond libevent: retry a failure of one
 * connection at once; after a resource failure, close what waits in the listen queue with
 * the spare descriptor and pause accepting for a backoff that doubles up to a cap, resets on
 * success and ends early when a connection closes. Logs once per episode of failures, never
 * once per failed accept.
 * <p>
 * Used on the listener's loop thread, but {@link #isPaused()}, read from any thread.
 */
public final class AcceptErrorGovernor {

	private static final FailsafeLogger logger = FailsafeLogger.of(ConnListener.class);

	/** Most queued connections accepted in one go: by the spare descriptor, or before a graceful close. */
	public static final int DRAIN_LIMIT = 1024;

	static {
		// Loading a class from a directory or a jar not yet open needs a file descriptor:
		// load what the accept-error path uses now, not when the process has none left.
		EventLoop.preload(AcceptErrorReason.class, AcceptBackoff.class, RejectionReason.class,
				SpareFileDescriptor.class, PendingConnection.class, AcceptedConnection.class, AcceptError.class);
	}

	private final EventLoop loop;

	private final ServerSocketChannel channel;

	private final AcceptCounters counters;

	private final ListenerSettings settings;

	private final SpareFileDescriptor spare;

	private final AcceptBackoff backoff;

	private final Runnable pauseChanged;

	private final Supplier<String> description;

	private volatile boolean paused;

	private ScheduledTask resumeTask;

	/**
	 * Create a governor.
	 * @param loop the listener's loop, whose timer ends a pause
	 * @param channel the listening channel
	 * @param counters where failures and the pause are counted
	 * @param settings the backoff
	 * @param spare whether to hold a spare file descriptor
	 * @param pauseChanged told when a pause starts or ends
	 * @param description describes the listener for log messages
	 */
	public AcceptErrorGovernor(EventLoop loop, ServerSocketChannel channel, AcceptCounters counters,
			ListenerSettings settings, boolean spare, Runnable pauseChanged, Supplier<String> description) {
		this.loop = loop;
		this.channel = channel;
		this.counters = counters;
		this.settings = settings;
		this.spare = spare ? new SpareFileDescriptor() : null;
		this.backoff = new AcceptBackoff(settings.backoffInitial(), settings.backoffMax());
		this.pauseChanged = pauseChanged;
		this.description = description;
		if (this.spare != null && !this.spare.reserve()) {
			logger.log(Level.DEBUG, () -> "Listener on " + description.get()
					+ " could not open a spare file descriptor; it will try again after accepts fail");
		}
	}

	public boolean isPaused() {
		return this.paused;
	}

	public boolean hasSpareFileDescriptor() {
		return this.spare != null && this.spare.isHeld();
	}

	/**
	 * Count a failed accept; return whether to try the next one at once, or, after a
	 * resource failure, that accepting is paused (and the error callback is to be told).
	 */
	public boolean failed(IOException error) {
		AcceptErrorReason reason = AcceptErrorReason.of(error);
		this.counters.recordAcceptError(reason, error.getMessage());
		if (!reason.isResourceFailure()) {
			return true;
		}
		int closed = (reason == AcceptErrorReason.TOO_MANY_OPEN_FILES || reason == AcceptErrorReason.SYSTEM_FILE_LIMIT)
				? closePendingWithSpare() : 0;
		boolean firstInEpisode = !this.backoff.inEpisode();
		long pause = this.backoff.failed();
		this.paused = true;
		this.counters.recordBackoff(pause);
		this.pauseChanged.run();
		this.resumeTask = this.loop.schedule(Duration.ofNanos(pause), this::resume);
		if (firstInEpisode) {
			logger.log(Level.WARNING, () -> "Listener on " + this.description.get()
					+ " cannot accept (" + reason.tag() + ": " + error.getMessage() + "); pausing accepts for "
					+ Duration.ofNanos(pause).toMillis() + " ms, doubling up to " + this.settings.backoffMax().toMillis()
					+ " ms until an accept succeeds"
					+ ((closed > 0) ? "; closed " + closed + " pending connections with the spare file descriptor" : ""));
		}
		return false;
	}

	/**
	 * Record a successful accept: it ends an episode of failures, if there was one.
	 */
	public void succeeded() {
		int failures = this.backoff.succeeded();
		if (failures != 0) {
			reserveSpare();
			logger.log(Level.INFO, () -> "Listener on " + this.description.get()
					+ " is accepting again after " + failures + " failed accepts over "
					+ Duration.ofNanos(this.backoff.episodeNanos()).toMillis() + " ms");
		}
	}

	/**
	 * End a pause: when its backoff has passed, or early, when a connection has closed.
	 */
	public void resume() {
		reserveSpare();
		cancelResume();
		if (this.paused) {
			this.paused = false;
			this.counters.recordBackoff(0);
			this.pauseChanged.run();
		}
	}

	/**
	 * Stop for good: cancel a pending resume and give the spare descriptor back.
	 */
	public void close() {
		cancelResume();
		releaseSpare();
	}

	private void cancelResume() {
		if (this.resumeTask != null) {
			this.resumeTask.cancel();
			this.resumeTask = null;
		}
	}

	/**
	 * Release the spare descriptor, accept and close the connections waiting in the listen
	 * queue with it, and take it again; return how many were closed. As libuv's
	 * {@code uv__emfile_trick} this drains the queue, but at most {@link #DRAIN_LIMIT}
	 * connections, so that a flood cannot hold the loop thread; the backoff that follows
	 * bounds how often it runs.
	 */
	private int closePendingWithSpare() {
		if (this.spare == null || !this.spare.release()) {
			return 0;
		}
		int closed = 0;
		try {
			while (closed < DRAIN_LIMIT) {
				SocketChannel pending = this.channel.accept();
				if (pending == null) {
					break;
				}
				closed++;
				this.counters.recordAccept();
				// Count before closing, so a client that sees the close also sees the count.
				this.counters.recordRejection(RejectionReason.NO_FILE_DESCRIPTORS);
				AcceptPipeline.closeQuietly(pending);
			}
		}
		catch (IOException ex) {
			// The freed descriptor was taken elsewhere, or the channel closed: the backoff
			// that follows deals with both.
		}
		finally {
			this.spare.reserve();
		}
		return closed;
	}

	private void releaseSpare() {
		if (this.spare != null) {
			this.spare.release();
		}
	}

	private void reserveSpare() {
		if (this.spare != null) {
			this.spare.reserve();
		}
	}

}
