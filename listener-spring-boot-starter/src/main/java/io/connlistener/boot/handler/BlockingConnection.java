package io.connlistener.boot.handler;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;

import io.connlistener.tls.TlsInfo;

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
	 * Return the client's address: the peer's, or on a listener that requires the PROXY
	 * protocol, the source address of the header the proxy sent (the proxy's own when the
	 * header carries none).
	 * @return the remote address
	 */
	SocketAddress remoteAddress();

	/**
	 * Return the address of the proxy the connection came through, on a listener that
	 * requires the PROXY protocol.
	 * @return the proxy's address, or {@code null} when the client connected directly
	 */
	default SocketAddress proxyAddress() {
		return null;
	}

	/**
	 * Return what the connection's TLS session is, on a listener that serves TLS: its
	 * protocol, cipher suite and the client's certificates
	 * ({@code tls().session().getPeerCertificates()}, with {@code client-auth} want or
	 * need), the host name the client asked for with SNI, and the protocol agreed with ALPN.
	 * The streams carry plaintext either way.
	 * @return the TLS information, or {@code null} for a connection without TLS
	 */
	default TlsInfo tls() {
		return null;
	}

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
