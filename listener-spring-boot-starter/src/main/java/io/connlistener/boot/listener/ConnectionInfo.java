package io.connlistener.boot.listener;

import java.net.SocketAddress;
import java.time.Instant;

import io.connlistener.boot.listener.tracking.ServedConnection;
import io.connlistener.boot.listener.tracking.TrackedConnection;
import io.connlistener.tls.TlsChannel;
import io.connlistener.tls.TlsInfo;

/**
 * What one open connection is and has done, as of the moment it was taken: the connections
 * view of the {@link ConnectionRegistry} and the {@code connlisteners} endpoint.
 *
 * @param id the connection's id, unique in the process
 * @param listener the name of the listener that serves it
 * @param remoteAddress the client's address: behind a proxy, the one its PROXY header gave
 * @param proxyAddress the proxy's address, or {@code null} when the client came directly
 * @param openedAt when the listener took the connection
 * @param bytesReceived the bytes its socket received (over TLS the records), or -1 for a raw
 * handler's, which are not counted
 * @param bytesSent the bytes its socket sent (over TLS the records), or -1 for a raw
 * handler's
 * @param handlerStyle {@code raw}, {@code buffered}, {@code blocking} or {@code message}
 * @param tlsProtocol the TLS protocol, such as {@code TLSv1.3}, or {@code null} without TLS
 * @param tlsServerName the SNI host name the client asked for, or {@code null}
 */
public record ConnectionInfo(long id, String listener, SocketAddress remoteAddress, SocketAddress proxyAddress,
		Instant openedAt, long bytesReceived, long bytesSent, String handlerStyle, String tlsProtocol,
		String tlsServerName) {

	/**
	 * Take what a tracked connection is and has done now.
	 * @param connection the connection
	 * @return the information
	 */
	public static ConnectionInfo of(TrackedConnection connection) {
		ServedConnection served = connection.served();
		TlsChannel channel = connection.accepted().tls();
		TlsInfo tls = (channel != null) ? channel.info() : null;
		return new ConnectionInfo(connection.id(), connection.listenerName(), connection.remoteAddress(),
				connection.proxyAddress(), Instant.ofEpochMilli(connection.openedAtMillis()), served.bytesReceived(),
				served.bytesSent(), served.style(), (tls != null) ? tls.session().getProtocol() : null,
				(tls != null) ? tls.serverName() : null);
	}

	/**
	 * Return the bytes the connection moved both ways, or -1 where they are not counted.
	 * @return the sum
	 */
	public long bytes() {
		return (this.bytesReceived >= 0) ? this.bytesReceived + this.bytesSent : -1;
	}

}
