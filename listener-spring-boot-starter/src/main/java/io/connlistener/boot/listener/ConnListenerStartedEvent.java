package io.connlistener.boot.listener;

import org.springframework.context.ApplicationEvent;

/**
 * Published for each listener once every listener of the application context has bound,
 * for instance to learn the port picked for port 0.
 */
public class ConnListenerStartedEvent extends ApplicationEvent {

	/**
	 * Create a new event.
	 * @param listener the listener that started
	 */
	public ConnListenerStartedEvent(ManagedConnListener listener) {
		super(listener);
	}

	/**
	 * Return the listener that started.
	 * @return the listener
	 */
	public ManagedConnListener getListener() {
		return (ManagedConnListener) getSource();
	}

}
