package io.connlistener.tls;

import java.util.Objects;

import javax.net.ssl.SSLSession;

/**
 * What a handler may learn of an established TLS connection. Immutable.
 *
 * @param session the session: its protocol, cipher suite and the peer's certificates
 * @param serverName the host name the client sent as SNI, or {@code null} when it sent none
 * @param applicationProtocol the protocol negotiated with ALPN, or {@code null} when none was
 */
public record TlsInfo(SSLSession session, String serverName, String applicationProtocol) {

	/**
	 * Check the information.
	 */
	public TlsInfo {
		Objects.requireNonNull(session, "'session' must not be null");
	}

}
