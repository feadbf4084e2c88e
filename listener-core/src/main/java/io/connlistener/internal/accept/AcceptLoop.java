package io.connlistener.internal.accept;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.function.BooleanSupplier;
import java.util.function.Consumer;
import java.util.function.Supplier;

import io.connlistener.ConnListener;
import io.connlistener.ListenerSettings;
import io.connlistener.RejectionReason;
import io.connlistener.internal.FailsafeLogger;
import io.connlistener.loop.EventLoop;

/**
 * Accepts from a listening channel in bounded batches: each connection takes its place in
 * the {@link Occupancy} before {@code accept()}, so that listeners sharing it cannot both
 * take the last one, and goes into the {@link AcceptPipeline}. At the connection limit it
 * pauses (or, with {@link ListenerSettings.LimitAction#CLOSE}, closes what it accepts) and
 * resumes at the resume level as places are given back; a failed {@code accept()} goes to
 * the {@link AcceptErrorGovernor}.
 * <p>
 * Loop thread only, but {@link #isLimited()} and the {@link Occupancy.Member} it is.
 */
public final class AcceptLoop implements Occupancy.Member {

	private static final FailsafeLogger logger = FailsafeLogger.of(ConnListener.class);

	private final EventLoop loop;

	private final ServerSocketChannel channel;

	private final ListenerSettings settings;

	private final Occupancy occupancy;

	private final AcceptCounters counters;

	private final AcceptErrorGovernor governor;

	private final AcceptPipeline pipeline;

	private final Runnable stateChanged;

	private final Consumer<IOException> acceptFailed;

	private final Supplier<String> description;

	private volatile boolean limited;

	private volatile String failure;

	/**
	 * Create the loop of one listener.
	 * @param loop the listener's loop
	 * @param channel the listening channel
	 * @param settings accepts per wakeup, connection limit and what to do at it
	 * @param occupancy where connections take their place
	 * @param counters where accepts are counted
	 * @param governor what to do when {@code accept()} fails
	 * @param pipeline where accepted connections go
	 * @param stateChanged told when accepting pauses at the limit, resumes below it, or
	 * fails for good
	 * @param acceptFailed told of a resource failure, for the error callback
	 * @param description describes the listener for log messages
	 */
	public AcceptLoop(EventLoop loop, ServerSocketChannel channel, ListenerSettings settings, Occupancy occupancy,
			AcceptCounters counters, AcceptErrorGovernor governor, AcceptPipeline pipeline, Runnable stateChanged,
			Consumer<IOException> acceptFailed, Supplier<String> description) {
		this.loop = loop;
		this.channel = channel;
		this.settings = settings;
		this.occupancy = occupancy;
		this.counters = counters;
		this.governor = governor;
		this.pipeline = pipeline;
		this.stateChanged = stateChanged;
		this.acceptFailed = acceptFailed;
		this.description = description;
	}

	/**
	 * Return whether accepting is paused at the connection limit.
	 */
	public boolean isLimited() {
		return this.limited;
	}

	/**
	 * Return why accepting failed for good (the channel closed under the listener), or
	 * {@code null}.
	 */
	public String failure() {
		return this.failure;
	}

	/**
	 * Accept what the channel has, at most {@code max} connections, while {@code go} says so.
	 * @param max the most connections to accept
	 * @param draining whether the listener is closing gracefully: queued connections beyond
	 * the limit are closed rather than left to the close, which would reset them
	 * @param go whether to go on accepting, asked before each connection
	 */
	public void acceptBatch(int max, boolean draining, BooleanSupplier go) {
		for (int i = max; i > 0 && go.getAsBoolean(); i--) {
			boolean counted = this.occupancy.tryTake(this.settings.maxConnections());
			if (!counted && !draining && this.settings.limitAction() == ListenerSettings.LimitAction.PAUSE) {
				pauseAtLimit();
				return;
			}
			SocketChannel accepted = acceptOne(counted);
			if (accepted == null) {
				return;
			}
			this.counters.recordAccept();
			this.loop.connectionsArrived();
			this.governor.succeeded();
			if (!counted) {
				this.counters.recordRejection(RejectionReason.MAX_CONNECTIONS);
				AcceptPipeline.closeQuietly(accepted);
				continue;
			}
			this.pipeline.accepted(accepted);
		}
	}

	/**
	 * Accept one connection; on a failure that does not stop accepting, try the next at once.
	 */
	private SocketChannel acceptOne(boolean counted) {
		while (true) {
			try {
				SocketChannel accepted = this.channel.accept();
				if (accepted == null && counted) {
					this.occupancy.untake();
				}
				return accepted;
			}
			catch (ClosedChannelException ex) {
				this.failure = "listening channel was closed";
				this.stateChanged.run();
			}
			catch (IOException ex) {
				if (this.governor.failed(ex)) {
					continue;
				}
				this.acceptFailed.accept(ex);
			}
			if (counted) {
				this.occupancy.untake();
			}
			return null;
		}
	}

	private void pauseAtLimit() {
		this.limited = true;
		this.counters.recordRejection(RejectionReason.MAX_CONNECTIONS);
		this.stateChanged.run();
		logger.log(Level.DEBUG, () -> "Listener on " + this.description.get() + " reached "
				+ this.settings.maxConnections() + " connections; accepting again at "
				+ this.settings.effectiveResumeConnections());
		// A connection may have closed between the check and the pause.
		resumeBelowLimit();
	}

	private void resumeBelowLimit() {
		if (this.limited && this.occupancy.held() <= this.settings.effectiveResumeConnections()) {
			this.limited = false;
			this.stateChanged.run();
		}
	}

	@Override
	public void released(boolean descriptorFreed) {
		if (descriptorFreed && this.governor.isPaused()) {
			onLoop(this.governor::resume);
		}
		if (this.limited && this.occupancy.held() <= this.settings.effectiveResumeConnections()) {
			onLoop(this::resumeBelowLimit);
		}
	}

	private void onLoop(Runnable task) {
		// Refused by a closed loop, whose listener is gone with it.
		this.loop.runInLoop(task);
	}

}
