package io.connlistener.boot.observation;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;

import io.connlistener.AcceptedConnection;
import io.connlistener.tls.TlsChannel;
import io.micrometer.observation.Observation;

/**
 * The {@link Observation.Context} of one connection's setup, from its accept to its first
 * byte: what a {@link ConnectionSetupObservationConvention} turns into key values.
 * <p>
 * Written on the listener's loop thread, and ended once, from the thread that saw the end.
 */
public class ConnectionSetupObservationContext extends Observation.Context {

	private final String listenerName;

	private final String connectionId;

	private final String transport;

	private volatile SocketAddress remoteAddress;

	private volatile String tlsProtocol;

	private volatile ConnectionSetupOutcome outcome;

	private volatile String errorType;

	/**
	 * Create a context for a connection just accepted.
	 * @param listenerName the listener's name
	 * @param connectionId the connection's id, unique in the process: the one the
	 * {@code ConnectionRegistry} and the connections view know it by
	 * @param peerAddress the address of the socket's other end
	 */
	public ConnectionSetupObservationContext(String listenerName, String connectionId, SocketAddress peerAddress) {
		this.listenerName = listenerName;
		this.connectionId = connectionId;
		this.remoteAddress = peerAddress;
		this.transport = (peerAddress instanceof UnixDomainSocketAddress) ? "unix" : "tcp";
	}

	/**
	 * Return the name of the listener that accepted the connection.
	 * @return the name
	 */
	public String getListenerName() {
		return this.listenerName;
	}

	/**
	 * Return the connection's id, unique within its listener.
	 * @return the id
	 */
	public String getConnectionId() {
		return this.connectionId;
	}

	/**
	 * Return the transport: {@code tcp} or {@code unix}.
	 * @return the transport
	 */
	public String getTransport() {
		return this.transport;
	}

	/**
	 * Return the client's address: the peer's, or once handed over behind a proxy, the one
	 * its PROXY header gave.
	 * @return the address
	 */
	public SocketAddress getRemoteAddress() {
		return this.remoteAddress;
	}

	/**
	 * Return the TLS protocol the handshake negotiated.
	 * @return the protocol, such as {@code TLSv1.3}, or {@code null} without TLS or before
	 * the connection is handed over
	 */
	public String getTlsProtocol() {
		return this.tlsProtocol;
	}

	/**
	 * Return how the setup ended.
	 * @return the outcome, or {@code null} while it goes on
	 */
	public ConnectionSetupOutcome getOutcome() {
		return this.outcome;
	}

	/**
	 * Return why the setup failed: a rejection reason, or why the connection closed before
	 * its first byte.
	 * @return a short word, such as {@code denied} or {@code idle-timeout}, or {@code null}
	 */
	public String getErrorType() {
		return this.errorType;
	}

	void handedOver(AcceptedConnection accepted) {
		this.remoteAddress = accepted.remoteAddress();
		TlsChannel tls = accepted.tls();
		if (tls != null) {
			this.tlsProtocol = tls.info().session().getProtocol();
		}
	}

	void ended(ConnectionSetupOutcome outcome, String errorType) {
		this.errorType = errorType;
		this.outcome = outcome;
	}

	/**
	 * Describe an address as the {@code network.peer.address} key shows it.
	 * @param address the address
	 * @return {@code host:port}, or a Unix domain socket's path
	 */
	static String describe(SocketAddress address) {
		if (address instanceof InetSocketAddress inet) {
			String host = (inet.getAddress() != null) ? inet.getAddress().getHostAddress() : inet.getHostString();
			return host + ":" + inet.getPort();
		}
		return String.valueOf(address);
	}

}
