package io.connlistener.boot.observation;

import java.net.SocketAddress;

import io.connlistener.boot.handler.MessageContext;
import io.micrometer.observation.Observation;

/**
 * The {@link Observation.Context} of one call of a message handler: what a
 * {@link MessageObservationConvention} turns into key values. The handler's exception, if
 * it threw, is the context's {@link #getError() error}.
 */
public class MessageObservationContext extends Observation.Context {

	private final MessageContext connection;

	/**
	 * Create a context for a call about to be made.
	 * @param connection the connection the message came on
	 */
	public MessageObservationContext(MessageContext connection) {
		this.connection = connection;
	}

	/**
	 * Return the connection the message came on, as the handler sees it.
	 * @return the connection
	 */
	public MessageContext getConnection() {
		return this.connection;
	}

	/**
	 * Return the name of the listener that accepted the connection.
	 * @return the name
	 */
	public String getListenerName() {
		return this.connection.listenerName();
	}

	/**
	 * Return the connection's id, as {@code ConnectionRegistry} knows it.
	 * @return the id
	 */
	public long getConnectionId() {
		return this.connection.connectionId();
	}

	/**
	 * Return the client's address.
	 * @return the address
	 */
	public SocketAddress getRemoteAddress() {
		return this.connection.remoteAddress();
	}

}
