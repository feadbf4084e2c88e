package io.connlistener.boot.handler;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;

/**
 * One accepted connection seen through blocking streams, given to a
 * {@link BlockingConnectionHandler}.
 * <p>
 * Reading and writing may happen on two threads at once; closing from any thread ends a
 * blocked read or write with an {@link java.io.IOException}.
 */
public interface BlockingConnection {

	/**
	 * Return the name of the listener that accepted the connection.
	 * @return the listener name
	 */
	String listenerName();

	/**
	 * Return the stream of bytes the peer sends; it ends when the peer shuts down its output.
	 * @return the input stream
	 */
	InputStream inputStream();

	/**
	 * Return the stream of bytes sent to the peer. Writes are not buffered.
	 * @return the output stream
	 */
	OutputStream outputStream();

	/**
	 * Return the peer's address.
	 * @return the remote address
	 */
	SocketAddress remoteAddress();

	/**
	 * Return the local end's address.
	 * @return the local address
	 */
	SocketAddress localAddress();

	/**
	 * Close the connection. Idempotent; the connection is closed anyway when the handler
	 * returns.
	 */
	void close();

}
