package io.connlistener;

import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

import io.connlistener.proxy.ProxyProtocolSettings;

/**
 * Receives each connection a {@link ConnListener} accepts: libevent's
 * {@code evconnlistener_cb}. Runs on the listener's loop thread, so it must not block;
 * it may enable, disable or close the listener. Once called, the channel is the
 * callback's to close. If the callback throws, the listener closes the channel, logs and
 * counts the failure, and goes on.
 * <p>
 * The listener calls {@link #onAccept(ConnListener, AcceptedConnection)}, which by default
 * passes the channel and the client's address to
 * {@link #onAccept(ConnListener, SocketChannel, SocketAddress)}; override it to see the
 * proxy's address and {@linkplain ProxyProtocolSettings PROXY header} too.
 */
@FunctionalInterface
public interface AcceptCallback {

	/**
	 * Take an accepted connection.
	 * @param listener the listener that accepted it
	 * @param channel the connection, non-blocking unless
	 * {@link ListenerOption#LEAVE_SOCKETS_BLOCKING} is set
	 * @param remoteAddress the client's address: the peer's, or behind a proxy the source
	 * address of its PROXY header
	 */
	void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress);

	/**
	 * Take an accepted connection with everything the listener knows about it. By default,
	 * calls {@link #onAccept(ConnListener, SocketChannel, SocketAddress)}.
	 * @param listener the listener that accepted it
	 * @param connection the connection, its client's address and, behind a proxy, the
	 * proxy's address and header
	 */
	default void onAccept(ConnListener listener, AcceptedConnection connection) {
		onAccept(listener, connection.channel(), connection.remoteAddress());
	}

}
