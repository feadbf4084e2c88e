package io.connlistener.boot.listener;

import java.io.IOException;
import java.net.SocketAddress;

/**
 * Thrown when a listener cannot bind its address as the application context starts.
 * Carries the listener, the address and why binding failed, for failure analysis.
 */
public class ListenerBindException extends RuntimeException {

	private final String listenerName;

	private final transient SocketAddress address;

	private final Reason reason;

	/**
	 * Create a new exception.
	 * @param listenerName the listener's name
	 * @param address the address it tried to bind
	 * @param reason why binding failed
	 * @param cause the failure
	 */
	public ListenerBindException(String listenerName, SocketAddress address, Reason reason, IOException cause) {
		super("Listener '" + listenerName + "' could not bind " + ListenerDefinition.describe(address) + ": "
				+ cause.getMessage(), cause);
		this.listenerName = listenerName;
		this.address = address;
		this.reason = reason;
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

	/**
	 * Return why binding failed.
	 * @return the reason
	 */
	public Reason getReason() {
		return this.reason;
	}

	@Override
	public synchronized IOException getCause() {
		return (IOException) super.getCause();
	}

	/**
	 * Why a listener could not bind its address.
	 */
	public enum Reason {

		/** The port is taken, or the Unix domain socket's file exists. */
		ADDRESS_IN_USE,

		/** Another process answers on the Unix domain socket's file. */
		SOCKET_FILE_ANSWERED,

		/** The address is not one of this machine's. */
		ADDRESS_NOT_AVAILABLE,

		/** Binding was not permitted, as for a port below 1024 without privileges. */
		PERMISSION_DENIED,

		/** Anything else: the cause says what. */
		OTHER

	}

}
