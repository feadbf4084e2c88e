package io.connlistener.boot.listener;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.util.function.BooleanSupplier;
import java.util.function.Supplier;

import io.connlistener.AcceptCallback;
import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.boot.listener.serving.HandlerAdapter;
import io.connlistener.boot.listener.tracking.CloseReason;
import io.connlistener.boot.listener.tracking.ConnectionTracker;
import io.connlistener.boot.listener.tracking.TrackedConnection;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Where the connections every core listener of one managed listener accepts come in: each
 * becomes a {@link TrackedConnection} and goes to the handler's
 * {@link HandlerAdapter}, with the client's and the proxy's addresses.
 * <p>
 * Runs on the loop thread that accepted the connection.
 */
final class ConnectionIntake implements AcceptCallback {

	private static final Log logger = LogFactory.getLog(ManagedConnListener.class);

	private final String listenerName;

	private final ConnectionTracker tracker;

	private final Supplier<HandlerAdapter> handler;

	private final BooleanSupplier stopped;

	private final boolean tcpNoDelay;

	ConnectionIntake(String listenerName, ConnectionTracker tracker, Supplier<HandlerAdapter> handler,
			BooleanSupplier stopped, boolean tcpNoDelay) {
		this.listenerName = listenerName;
		this.tracker = tracker;
		this.handler = handler;
		this.stopped = stopped;
		this.tcpNoDelay = tcpNoDelay;
	}

	@Override
	public void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
		onAccept(listener, AcceptedConnection.direct(channel, remoteAddress));
	}

	@Override
	public void onAccept(ConnListener listener, AcceptedConnection accepted) {
		HandlerAdapter handler = this.handler.get();
		TrackedConnection connection = this.tracker.track(listener, accepted, handler.closesThroughListener());
		if (this.stopped.getAsBoolean()) {
			// Its PROXY header came in after the shutdown grace period: too late to serve.
			connection.close(CloseReason.SHUTDOWN);
			return;
		}
		if (this.tcpNoDelay) {
			noDelay(accepted.channel());
		}
		try {
			handler.serve(connection);
		}
		catch (RuntimeException ex) {
			connection.close(CloseReason.HANDLER_FAILED);
			logger.warn("Handler of listener '" + this.listenerName + "' failed; closed the " + connection, ex);
		}
	}

	private static void noDelay(SocketChannel channel) {
		// A Unix domain socket has no Nagle's algorithm to turn off.
		if (channel.supportedOptions().contains(StandardSocketOptions.TCP_NODELAY)) {
			try {
				channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			}
			catch (IOException ex) {
				// The peer is gone already: the handler's first read or write says so.
			}
		}
	}

}
