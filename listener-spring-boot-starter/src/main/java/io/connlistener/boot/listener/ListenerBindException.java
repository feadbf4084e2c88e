package io.connlistener.boot.listener;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * Thrown when a listener cannot bind its address as the application context starts.
 */
public class ListenerBindException extends RuntimeException {

	private final String listenerName;

	private final transient SocketAddress address;

	/**
	 * Create a new exception.
	 * @param listenerName the listener's name
	 * @param address the address it tried to bind
	 * @param cause why binding failed
	 */
	public ListenerBindException(String listenerName, SocketAddress address, IOException cause) {
		super("Listener '" + listenerName + "' could not bind " + ListenerDefinition.describe(address) + ": "
				+ cause.getMessage(), cause);
		this.listenerName = listenerName;
		this.address = address;
	}

	/**
	 * Return the listener's name.
	 * @return the name
	 */
	public String getListenerName() {
		return this.listenerName;
	}

	/**
	 * Return the address the listener tried to bind.
	 * @return the address
	 */
	public SocketAddress getAddress() {
		return this.address;
	}

	@Override
	public synchronized IOException getCause() {
		return (IOException) super.getCause();
	}

}
