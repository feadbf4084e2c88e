package io.connlistener;

import java.net.SocketAddress;
import java.nio.channels.SocketChannel;

/**
 * Receives each connection a {@link ConnListener} accepts: libevent's
 * {@code evconnlistener_cb}. Runs on the listener's loop thread, so it must not block;
 * it may enable, disable or close the listener. Once called, the channel is the
 * callback's to close. If the callback throws, the listener closes the channel, logs and
 * counts the failure, and goes on.
 */
@FunctionalInterface
public interface AcceptCallback {

	/**
	 * Take an accepted connection.
	 * @param listener the listener that accepted it
	 * @param channel the connection, non-blocking unless
	 * {@link ListenerOption#LEAVE_SOCKETS_BLOCKING} is set
	 * @param remoteAddress the peer's address
	 */
	void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress);

}
