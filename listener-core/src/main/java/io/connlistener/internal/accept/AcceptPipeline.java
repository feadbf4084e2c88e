package io.connlistener.internal.accept;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.HashSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;

import io.connlistener.AcceptErrorReason;
import io.connlistener.ConnectionSetup;
import io.connlistener.ConnectionSetupObserver;
import io.connlistener.RejectionReason;
import io.connlistener.loop.EventLoop;

/**
 * The stages an accepted connection goes through, in order, ending with the hand-over to
 * the callback; and the connections parked in a stage meanwhile (a PROXY header or a first
 * byte awaited), which a graceful close lets finish and any other close abandons. Every way
 * out of the pipeline passes through here, so each rejection is counted once and every
 * connection gives back its place.
 * <p>
 * Loop thread only, but {@link #pendingConnections()} and {@link #whenSettled()}.
 */
public final class AcceptPipeline {

	private final EventLoop loop;

	private final AcceptStage[] stages;

	private final AcceptCounters counters;

	private final Occupancy occupancy;

	private final Set<PendingConnection> parked = new HashSet<>();

	private final CompletableFuture<Void> settled = new CompletableFuture<>();

	private volatile int pending;

	private final ConnectionSetupObserver setupObserver;

	private boolean closing;

	/**
	 * Create a pipeline.
	 * @param loop the loop it runs on
	 * @param stages the stages, in order, the last one handing the connection over
	 * @param counters where rejections and aborted accepts are counted
	 * @param occupancy where accepted connections hold their place
	 * @param setupObserver told of every connection as it comes in, or {@code null}
	 */
	public AcceptPipeline(EventLoop loop, List<AcceptStage> stages, AcceptCounters counters, Occupancy occupancy,
			ConnectionSetupObserver setupObserver) {
		this.loop = loop;
		this.stages = stages.toArray(new AcceptStage[0]);
		this.counters = counters;
		this.occupancy = occupancy;
		this.setupObserver = setupObserver;
	}

	/**
	 * Send a connection that took its place in the occupancy through the stages.
	 * @param channel what {@code accept()} returned
	 */
	public void accepted(SocketChannel channel) {
		SocketAddress peer;
		try {
			peer = channel.getRemoteAddress();
		}
		catch (IOException ex) {
			// Reset before it could be asked: counted as an aborted accept.
			this.counters.recordAcceptError(AcceptErrorReason.CONNECTION_ABORTED, ex.getMessage());
			this.occupancy.release();
			closeQuietly(channel);
			return;
		}
		ConnectionSetup setup = (this.setupObserver != null) ? this.setupObserver.accepted(peer) : null;
		new PendingConnection(this, channel, peer, setup).proceed();
	}

	/**
	 * Return how many connections wait in a stage.
	 */
	public int pendingConnections() {
		return this.pending;
	}

	/**
	 * Stop for good: abandon the parked connections, or, for a graceful close, let them
	 * finish.
	 * @param graceful whether parked connections go on
	 */
	public void close(boolean graceful) {
		this.closing = true;
		if (!graceful) {
			for (PendingConnection connection : new ArrayList<>(this.parked)) {
				connection.abandon();
			}
		}
		settleIfDone();
	}

	/**
	 * Return a future completed once the pipeline is closed and no connection waits in a
	 * stage any more.
	 */
	public CompletableFuture<Void> whenSettled() {
		return this.settled.copy();
	}

	EventLoop loop() {
		return this.loop;
	}

	void process(PendingConnection connection, int stage) {
		this.stages[stage].process(connection);
	}

	void parked(PendingConnection connection) {
		this.parked.add(connection);
		this.pending = this.parked.size();
	}

	void unparked(PendingConnection connection) {
		this.parked.remove(connection);
		this.pending = this.parked.size();
		settleIfDone();
	}

	void rejected(PendingConnection connection, RejectionReason reason) {
		// Counted before closing, so that a client that sees the close also sees the count.
		this.counters.recordRejection(reason);
		if (connection.setup() != null) {
			connection.setup().rejected(reason);
		}
		dropped(connection);
	}

	void aborted(PendingConnection connection, IOException failure) {
		this.counters.recordAcceptError(AcceptErrorReason.CONNECTION_ABORTED, failure.getMessage());
		abandoned(connection);
	}

	void abandoned(PendingConnection connection) {
		if (connection.setup() != null) {
			connection.setup().abandoned();
		}
		dropped(connection);
	}

	void dropped(PendingConnection connection) {
		connection.undo();
		this.occupancy.release();
		closeQuietly(connection.channel());
	}

	private void settleIfDone() {
		if (this.closing && this.parked.isEmpty()) {
			this.settled.complete(null);
		}
	}

	/**
	 * Close a channel, ignoring a failure: the peer is gone or the descriptor released.
	 * @param channel the channel
	 */
	public static void closeQuietly(java.nio.channels.Channel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// The peer is gone or the descriptor was already released; nothing to report.
		}
	}

}
