package io.connlistener.boot.listener.serving;

import io.connlistener.AcceptCallback;
import io.connlistener.ConnectionSetup;
import io.connlistener.boot.listener.tracking.ServedConnection;
import io.connlistener.boot.listener.tracking.TrackedConnection;

/**
 * Hands the raw accepted channel to an {@link AcceptCallback} on the loop thread. The
 * callback owns the channel and, as core's contract asks, reports its close with
 * {@link io.connlistener.ConnListener#connectionClosed(java.net.SocketAddress)} on the
 * listener it is given, which is how the managed listener learns of it. The callback drives
 * the socket itself: its bytes are not counted, and it takes no sends from outside.
 */
final class RawHandlerAdapter implements HandlerAdapter {

	private final String beanName;

	private final AcceptCallback callback;

	RawHandlerAdapter(String beanName, AcceptCallback callback) {
		this.beanName = beanName;
		this.callback = callback;
	}

	@Override
	public void serve(TrackedConnection connection) {
		connection.servedBy(ServedConnection.RAW);
		// A raw handler reads the socket itself: its connection is set up once handed over.
		ConnectionSetup setup = connection.accepted().setup();
		if (setup != null) {
			setup.ready();
		}
		// With the whole connection, so a callback may see the proxy's address too.
		this.callback.onAccept(connection.listener(), connection.accepted());
	}

	@Override
	public boolean closesThroughListener() {
		return true;
	}

	@Override
	public String describe() {
		return "raw handler '" + this.beanName + "'";
	}

}
