package io.connlistener.boot.listener;

/**
 * Thrown when the configuration of a listener or of its handler cannot work: an invalid
 * value, a listener without handler, a handler naming no listener. Carries what is wrong
 * and what to change, for failure analysis.
 */
public class ListenerConfigurationException extends RuntimeException {

	private final String listenerName;

	private final String property;

	private final String action;

	/**
	 * Create a new exception.
	 * @param listenerName the listener concerned
	 * @param property the property to change, e.g. {@code conn-listener.listeners.echo.port}
	 * @param description what is wrong, naming the listener, its address and the property
	 * @param action what to change
	 */
	public ListenerConfigurationException(String listenerName, String property, String description, String action) {
		super(description);
		this.listenerName = listenerName;
		this.property = property;
		this.action = action;
	}

	/**
	 * Create the exception for a port outside 0 to 65535, alike for a value that binds as a
	 * number and for one too large to.
	 * @param listenerName the listener concerned
	 * @param host the address it would listen on
	 * @param port the port, as configured
	 * @return the exception
	 */
	public static ListenerConfigurationException portOutOfRange(String listenerName, String host, String port) {
		String property = "conn-listener.listeners." + listenerName + ".port";
		return new ListenerConfigurationException(listenerName, property,
				"Listener '" + listenerName + "' on " + host + ":" + port + " cannot start: " + property + " is " + port
						+ ", but a port must be between 0 and 65535.",
				"Set " + property + " to a port between 0 and 65535 (0 picks a free port).");
	}

	/**
	 * Return the name of the listener concerned.
	 * @return the listener name
	 */
	public String getListenerName() {
		return this.listenerName;
	}

	/**
	 * Return the property to change.
	 * @return the property name
	 */
	public String getProperty() {
		return this.property;
	}

	/**
	 * Return what to change.
	 * @return the action
	 */
	public String getAction() {
		return this.action;
	}

}
