package io.connlistener.boot.listener;

import java.util.Arrays;
import java.util.Collections;
import java.util.List;

/**
 * Thrown when the configuration of a listener or of its handler cannot work: an invalid
 * value, a listener without handler, a handler naming no listener. Carries what is wrong as
 * data, a {@link ListenerProblem}, the listener, the key of the property that holds the
 * value, the value and the facts the problem names; failure analysis writes the
 * description and the action from them.
 */
public class ListenerConfigurationException extends RuntimeException {

	private final ListenerProblem problem;

	private final String listenerName;

	private final String address;

	private final String key;

	private final boolean fromDefaults;

	private final transient Object value;

	private final transient List<Object> details;

	/**
	 * Create a new exception about a listener's own property, or a property of
	 * {@code conn-listener} itself when there is no listener.
	 * @param problem what is wrong
	 * @param listenerName the listener concerned, or {@code null}
	 * @param address where the listener listens, as people write it, or {@code null}
	 * @param key the key of the property to change, relative to the listener (to
	 * {@code conn-listener} without listener), or {@code null} for the listener itself
	 * @param value the offending value, or {@code null}
	 * @param details the facts that the problem names, in the order it lists them
	 */
	public ListenerConfigurationException(ListenerProblem problem, String listenerName, String address, String key,
			Object value, Object... details) {
		this(problem, listenerName, address, key, false, value, null, details);
	}

	private ListenerConfigurationException(ListenerProblem problem, String listenerName, String address, String key,
			boolean fromDefaults, Object value, Throwable cause, Object[] details) {
		super(message(problem, listenerName, key, fromDefaults, value, details), cause);
		this.problem = problem;
		this.listenerName = listenerName;
		this.address = address;
		this.key = key;
		this.fromDefaults = fromDefaults;
		this.value = value;
		this.details = Collections.unmodifiableList(Arrays.asList(details.clone()));
	}

	/**
	 * Create a new exception about a value that the listener sets or takes from the
	 * defaults.
	 * @param problem what is wrong
	 * @param listenerName the listener concerned
	 * @param address where the listener listens, as people write it, or {@code null}
	 * @param key the key of the property to change, relative to the listener or the
	 * defaults
	 * @param fromDefaults whether the value is the defaults', the listener not setting it
	 * @param value the offending value, or {@code null}
	 * @param cause why the value was refused, or {@code null}
	 * @param details the facts that the problem names, in the order it lists them
	 * @return the exception
	 */
	public static ListenerConfigurationException of(ListenerProblem problem, String listenerName, String address,
			String key, boolean fromDefaults, Object value, Throwable cause, Object... details) {
		return new ListenerConfigurationException(problem, listenerName, address, key, fromDefaults, value, cause,
				details);
	}

	private static String message(ListenerProblem problem, String listenerName, String key, boolean fromDefaults,
			Object value, Object[] details) {
		String subject = (listenerName != null) ? "Listener '" + listenerName + "'" : "Listeners";
		String property = (key != null)
				? " (" + key + ((fromDefaults) ? " of the defaults" : "") + " is " + value + ")" : "";
		String facts = (details.length > 0) ? " " + Arrays.toString(details) : "";
		return subject + " cannot start: " + problem + property + facts;
	}

	/**
	 * Return what is wrong.
	 * @return the problem
	 */
	public ListenerProblem getProblem() {
		return this.problem;
	}

	/**
	 * Return the name of the listener concerned.
	 * @return the listener name, or {@code null} for a property of {@code conn-listener}
	 * itself
	 */
	public String getListenerName() {
		return this.listenerName;
	}

	/**
	 * Return where the listener listens, as people write it.
	 * @return the address, or {@code null} if it is not known
	 */
	public String getAddress() {
		return this.address;
	}

	/**
	 * Return the key of the property to change, relative to the listener or, when
	 * {@link #isFromDefaults()}, to the defaults.
	 * @return the key, or {@code null} when the listener as a whole is concerned
	 */
	public String getKey() {
		return this.key;
	}

	/**
	 * Return whether the value is the defaults', the listener not setting it.
	 * @return {@code true} if the property to change is under the defaults
	 */
	public boolean isFromDefaults() {
		return this.fromDefaults;
	}

	/**
	 * Return the offending value.
	 * @return the value, or {@code null}
	 */
	public Object getValue() {
		return this.value;
	}

	/**
	 * Return the facts that the problem names, in the order it lists them.
	 * @return the details, possibly empty
	 */
	public List<Object> getDetails() {
		return this.details;
	}

	/**
	 * Return one of the facts that the problem names.
	 * @param <T> the type of the fact
	 * @param index its place in the list the problem gives
	 * @return the fact
	 */
	@SuppressWarnings("unchecked")
	public <T> T getDetail(int index) {
		return (T) this.details.get(index);
	}

}
