package io.connlistener.internal.accept;

import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.time.Duration;

import io.connlistener.RejectionReason;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.IoHandler;
import io.connlistener.loop.ScheduledTask;

/**
 * The stage that holds a connection back until it becomes readable, for
 * {@link io.connlistener.ListenerOption#DEFERRED_ACCEPT}: Linux's {@code TCP_DEFER_ACCEPT}
 * done in user space. A connection silent for the timeout is rejected.
 */
public final class DeferredAcceptStage implements AcceptStage {

	private final Duration timeout;

	/**
	 * Create the stage.
	 * @param timeout how long a connection may stay silent
	 */
	public DeferredAcceptStage(Duration timeout) {
		this.timeout = timeout;
	}

	@Override
	public void process(PendingConnection connection) {
		if (!connection.nonBlocking()) {
			return;
		}
		new Wait(connection).start();
	}

	/**
	 * The wait of one connection for its first byte.
	 */
	private final class Wait implements IoHandler, PendingConnection.Parked {

		private final PendingConnection connection;

		private SelectionKey key;

		private ScheduledTask timer;

		Wait(PendingConnection connection) {
			this.connection = connection;
		}

		void start() {
			EventLoop loop = this.connection.loop();
			try {
				this.key = loop.register(this.connection.channel(), SelectionKey.OP_READ, this);
			}
			catch (ClosedChannelException ex) {
				this.connection.abort(ex);
				return;
			}
			this.timer = loop.schedule(DeferredAcceptStage.this.timeout, this::timedOut);
			this.connection.park(this);
		}

		@Override
		public void handle(SelectionKey key) {
			this.timer.cancel();
			// Deregistered before the hand-over, so that the callback may register the channel
			// anywhere or make it blocking again.
			key.cancel();
			this.connection.loop().executeAfterSelect(this.connection::proceed);
		}

		private void timedOut() {
			this.key.cancel();
			this.connection.reject(RejectionReason.DEFERRED_ACCEPT_TIMEOUT);
		}

		@Override
		public void abandon() {
			this.timer.cancel();
			this.key.cancel();
		}

		@Override
		public void failed(SelectionKey key, Throwable failure) {
			this.connection.abandon();
		}

		@Override
		public void loopClosed(SelectionKey key) {
			this.connection.abandon();
		}

		@Override
		public String toString() {
			return "deferred accept of the " + this.connection;
		}

	}

}
