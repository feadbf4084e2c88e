package io.connlistener.boot.actuate.endpoint;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.time.Instant;

import io.connlistener.boot.listener.ConnectionInfo;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * What the {@code connlisteners} endpoint shows of one open connection.
 *
 * @param id the connection's id, for {@code DELETE .../connections/{id}}
 * @param remoteAddress the client's address ({@code host:port}): behind a proxy, the one its
 * PROXY header gave
 * @param proxyAddress the proxy's address, or {@code null} when the client came directly
 * @param openedAt when the listener took the connection
 * @param bytesReceived the bytes its socket received (over TLS the records), or {@code null}
 * for a raw handler's, which are not counted
 * @param bytesSent the bytes its socket sent (over TLS the records), or {@code null}
 * @param handlerStyle {@code raw}, {@code buffered}, {@code blocking} or {@code message}
 * @param tlsProtocol the TLS protocol, or {@code null} without TLS
 * @param tlsServerName the SNI host name the client asked for, or {@code null}
 */
public record ConnectionDescriptor(long id, String remoteAddress, String proxyAddress, Instant openedAt,
		Long bytesReceived, Long bytesSent, String handlerStyle, String tlsProtocol,
		String tlsServerName) implements OperationResponseBody {

	static ConnectionDescriptor of(ConnectionInfo info) {
		boolean counted = info.bytesReceived() >= 0;
		return new ConnectionDescriptor(info.id(), address(info.remoteAddress()), address(info.proxyAddress()),
				info.openedAt(), counted ? info.bytesReceived() : null, counted ? info.bytesSent() : null,
				info.handlerStyle(), info.tlsProtocol(), info.tlsServerName());
	}

	private static String address(SocketAddress address) {
		if (address instanceof InetSocketAddress inet && inet.getAddress() != null) {
			String host = inet.getAddress().getHostAddress();
			return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
		}
		return (address != null) ? address.toString() : null;
	}

}
