package io.connlistener.boot.actuate.endpoint;

import org.springframework.context.ApplicationEvent;

/**
 * Published when the {@link ConnListenersEndpoint} enables or disables a listener.
 */
public class ConnListenerEnabledEvent extends ApplicationEvent {

	private final String listenerName;

	private final boolean enabled;

	private final boolean changed;

	private final String principal;

	/**
	 * Create an event.
	 * @param source the endpoint
	 * @param listenerName the listener's name
	 * @param enabled the state asked for
	 * @param changed whether the state changed (the call is idempotent)
	 * @param principal who asked, or {@code null} if unknown
	 */
	public ConnListenerEnabledEvent(Object source, String listenerName, boolean enabled, boolean changed,
			String principal) {
		super(source);
		this.listenerName = listenerName;
		this.enabled = enabled;
		this.changed = changed;
		this.principal = principal;
	}

	/**
	 * Return the listener's name.
	 * @return the name
	 */
	public String getListenerName() {
		return this.listenerName;
	}

	/**
	 * Return whether the listener was enabled (or disabled).
	 * @return the state asked for
	 */
	public boolean isEnabled() {
		return this.enabled;
	}

	/**
	 * Return whether the state changed.
	 * @return {@code false} when the listener already was in the state asked for
	 */
	public boolean isChanged() {
		return this.changed;
	}

	/**
	 * Return who asked.
	 * @return the principal's name, or {@code null} if unknown
	 */
	public String getPrincipal() {
		return this.principal;
	}

}
