package io.connlistener.boot.observation;

/**
 * How the setup of a connection ended: the {@code outcome} of a
 * {@code conn.listener.connection.setup} observation.
 */
public enum ConnectionSetupOutcome {

	/**
	 * Set up: its first byte reached the handler; for a raw handler, which reads the socket
	 * itself, it was handed over.
	 */
	READY("ready"),

	/**
	 * Closed after it was handed over, before its first byte.
	 */
	CLOSED("closed"),

	/**
	 * Closed by a timeout after it was handed over, before its first byte.
	 */
	TIMEOUT("timeout"),

	/**
	 * Rejected by a stage of the accept path (admission, PROXY header, TLS handshake...); the
	 * {@code error.type} names the reason.
	 */
	REJECTED("rejected"),

	/**
	 * Closed before it was handed over, without a rejection: its socket failed, or its
	 * listener closed under it.
	 */
	ABANDONED("abandoned");

	private final String value;

	ConnectionSetupOutcome(String value) {
		this.value = value;
	}

	/**
	 * Return the outcome as a key value.
	 * @return the value, such as {@code ready}
	 */
	public String value() {
		return this.value;
	}

}
