package io.connlistener.internal.accept;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.SocketChannel;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.connlistener.AcceptCallback;
import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.RejectionReason;
import io.connlistener.internal.FailsafeLogger;

/**
 * The last stage: puts the channel in the blocking mode the listener's options ask for and
 * hands the connection to the callback, which owns it from then on. A listener without a
 * callback, or closed (not gracefully) meanwhile, rejects it instead; a callback that throws
 * has its connection closed and counted.
 */
public final class Dispatch implements AcceptStage {

	private static final FailsafeLogger logger = FailsafeLogger.of(ConnListener.class);

	private final ConnListener listener;

	private final Supplier<AcceptCallback> callback;

	private final BooleanSupplier open;

	private final boolean blocking;

	private final AcceptCounters counters;

	/**
	 * Create the stage.
	 * @param listener the listener the callback is told of
	 * @param callback the callback, as set now
	 * @param open whether the listener still hands connections over
	 * @param blocking whether handed-over channels are blocking
	 * @param counters where open connections are counted
	 */
	public Dispatch(ConnListener listener, Supplier<AcceptCallback> callback, BooleanSupplier open, boolean blocking,
			AcceptCounters counters) {
		this.listener = listener;
		this.callback = callback;
		this.open = open;
		this.blocking = blocking;
		this.counters = counters;
	}

	@Override
	public void process(PendingConnection connection) {
		AcceptCallback callback = this.callback.get();
		if (callback == null || !this.open.getAsBoolean()) {
			connection.reject(RejectionReason.NO_CALLBACK);
			return;
		}
		SocketChannel channel = connection.channel();
		try {
			// Fresh from accept a channel is blocking; waiting in a stage made it non-blocking.
			if (channel.isBlocking() != this.blocking) {
				channel.configureBlocking(this.blocking);
			}
		}
		catch (IOException ex) {
			connection.abort(ex);
			return;
		}
		this.counters.recordOpened();
		AcceptedConnection accepted = connection.accepted();
		if (accepted.setup() != null) {
			accepted.setup().handedOver(accepted);
		}
		try {
			callback.onAccept(this.listener, accepted);
			connection.handedOver();
		}
		catch (RuntimeException ex) {
			this.counters.recordClosed();
			connection.reject(RejectionReason.CALLBACK_FAILED);
			logger.log(Level.WARNING, "Accept callback of the listener on " + ListenerSockets.describe(
					this.listener.localAddress()) + " failed; the connection from " + connection.remoteAddress()
					+ " was closed", ex);
		}
	}

}
