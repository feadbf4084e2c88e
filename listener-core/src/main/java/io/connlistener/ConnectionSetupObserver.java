package io.connlistener;

import java.net.SocketAddress;

/**
 * Told of every connection a listener accepts, at once, before any stage of the accept
 * path: to follow a connection's setup (PROXY header, admission, TLS handshake, up to its
 * first byte) from the moment it was accepted, as a trace's span or a timer does. Called
 * on the listener's loop thread, so it must be quick and must not block.
 */
@FunctionalInterface
public interface ConnectionSetupObserver {

	/**
	 * Begin following a connection.
	 * @param peerAddress the address of the socket's other end (a proxy's, behind one)
	 * @return what the listener tells of the connection's setup from now on, carried to the
	 * callback as {@link AcceptedConnection#setup()}; {@code null} not to follow this one
	 */
	ConnectionSetup accepted(SocketAddress peerAddress);

}
