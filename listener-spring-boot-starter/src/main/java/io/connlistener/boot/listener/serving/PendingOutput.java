package io.connlistener.boot.listener.serving;

import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicLongFieldUpdater;

import io.connlistener.buffer.BufferedConnection;

/**
 * The output of one buffered connection as a sender off its loop sees it: what the loop
 * holds, plus what was handed to the loop and not queued yet. A sender that checks
 * {@link #isWritable} before each send keeps the output within the write high watermark and
 * one send, however fast it sends, as a write waits in the loop's queue only while it is
 * counted here.
 * <p>
 * Safe to use from any thread.
 */
final class PendingOutput {

	// A field updater rather than an AtomicLong: one object per connection, not two.
	private static final AtomicLongFieldUpdater<PendingOutput> HANDED_OVER = AtomicLongFieldUpdater
		.newUpdater(PendingOutput.class, "handedOver");

	/** Bytes handed to the loop that it has not queued yet. */
	private volatile long handedOver;

	/**
	 * Return whether the output, counting what is on its way to the loop, is at or below
	 * the write high watermark.
	 * @param connection the connection
	 * @return whether more is welcome
	 */
	boolean isWritable(BufferedConnection connection) {
		return connection.outputBufferedBytes() + this.handedOver <= connection.settings().writeHighWatermark();
	}

	/**
	 * Hand a write to the connection's loop, counted as output until it runs there; it runs
	 * only if the connection is still open then.
	 * @param connection the connection
	 * @param size the bytes the write queues
	 * @param write queues them, on the loop
	 * @param after runs on the loop once the write ran or was dropped
	 * @return {@code false} if the loop is closed, and with it the connection
	 */
	boolean handToLoop(BufferedConnection connection, int size, Runnable write, Runnable after) {
		HANDED_OVER.addAndGet(this, size);
		try {
			connection.loop().execute(() -> {
				HANDED_OVER.addAndGet(this, -size);
				if (connection.isOpen()) {
					write.run();
				}
				after.run();
			});
			return true;
		}
		catch (RejectedExecutionException ex) {
			HANDED_OVER.addAndGet(this, -size);
			return false;
		}
	}

}
