package io.connlistener;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import io.connlistener.loop.EventLoop;
import io.connlistener.loop.FailsafeLogger;
import io.connlistener.loop.ScheduledTask;

/**
 * What a {@link ConnListener} does when {@code accept()} fails, beyond libevent: retry a
 * failure of one connection at once; after a resource failure, close what waits in the
 * listen queue with the spare descriptor, tell the error callback, and pause accepting for
 * a backoff that doubles up to a cap, resets on success and ends early when a connection
 * closes. Logs once per episode of failures, never once per failed accept.
 * <p>
 * Used on the listener's loop thread, but {@link #isPaused()}, read from any thread.
 */
final class AcceptErrorGovernor {

	private static final FailsafeLogger logger = FailsafeLogger.of(ConnListener.class);

	/** Most queued connections accepted in one go: by the spare descriptor, or before a graceful close. */
	static final int DRAIN_LIMIT = 1024;

	private final ConnListener listener;

	private final ServerSocketChannel channel;

	private final ListenerStats stats;

	private final ListenerSettings settings;

	private final SpareFileDescriptor spare;

	private final AcceptBackoff backoff;

	private final Runnable pauseChanged;

	private volatile boolean paused;

	private ScheduledTask resumeTask;

	AcceptErrorGovernor(ConnListener listener, ServerSocketChannel channel, ListenerStats stats,
			ListenerSettings settings, SpareFileDescriptor spare, Runnable pauseChanged) {
		this.listener = listener;
		this.channel = channel;
		this.stats = stats;
		this.settings = settings;
		this.spare = spare;
		this.backoff = new AcceptBackoff(settings.backoffInitial(), settings.backoffMax());
		this.pauseChanged = pauseChanged;
	}

	boolean isPaused() {
		return this.paused;
	}

	boolean hasSpareFileDescriptor() {
		return this.spare != null && this.spare.isHeld();
	}

	/**
	 * Count a failed accept; return whether to try the next one at once.
	 */
	boolean failed(IOException error, AcceptErrorCallback errorCallback) {
		AcceptErrorReason reason = AcceptErrorReason.of(error);
		this.stats.recordAcceptError(reason, error.getMessage());
		if (!reason.isResourceFailure()) {
			return true;
		}
		int closed = (reason == AcceptErrorReason.TOO_MANY_OPEN_FILES || reason == AcceptErrorReason.SYSTEM_FILE_LIMIT)
				? closePendingWithSpare() : 0;
		boolean firstInEpisode = !this.backoff.inEpisode();
		long pause = this.backoff.failed();
		this.paused = true;
		this.stats.recordBackoff(pause);
		this.pauseChanged.run();
		EventLoop loop = this.listener.loop();
		this.resumeTask = loop.schedule(Duration.ofNanos(pause), this::resume);
		if (firstInEpisode) {
			logger.log(Level.WARNING, () -> "Listener on " + ListenerSockets.describe(this.listener.localAddress())
					+ " cannot accept (" + reason.tag() + ": " + error.getMessage() + "); pausing accepts for "
					+ Duration.ofNanos(pause).toMillis() + " ms, doubling up to " + this.settings.backoffMax().toMillis()
					+ " ms until an accept succeeds"
					+ ((closed > 0) ? "; closed " + closed + " pending connections with the spare file descriptor" : ""));
		}
		if (errorCallback != null) {
			try {
				errorCallback.onError(this.listener, error);
			}
			catch (RuntimeException ex) {
				logger.log(Level.WARNING, "Accept error callback failed", ex);
			}
		}
		return false;
	}

	/**
	 * Record a successful accept: it ends an episode of failures, if there was one.
	 */
	void succeeded() {
		int failures = this.backoff.succeeded();
		if (failures != 0) {
			reserveSpare();
			logger.log(Level.INFO, () -> "Listener on " + ListenerSockets.describe(this.listener.localAddress())
					+ " is accepting again after " + failures + " failed accepts over "
					+ Duration.ofNanos(this.backoff.episodeNanos()).toMillis() + " ms");
		}
	}

	/**
	 * End a pause: when its backoff has passed, or early, when a connection has closed.
	 */
	void resume() {
		reserveSpare();
		cancelResume();
		if (this.paused) {
			this.paused = false;
			this.stats.recordBackoff(0);
			this.pauseChanged.run();
		}
	}

	/**
	 * Stop for good: cancel a pending resume and give the spare descriptor back.
	 */
	void close() {
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
				this.stats.recordAccept();
				// Count before closing, so a client that sees the close also sees the count.
				this.stats.recordRejection(RejectionReason.NO_FILE_DESCRIPTORS);
				ConnListener.closeQuietly(pending);
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
