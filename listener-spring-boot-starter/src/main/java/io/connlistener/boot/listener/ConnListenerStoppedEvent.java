package io.connlistener.boot.listener;

import org.springframework.context.ApplicationEvent;

/**
 * Published for each listener once it has stopped: its address released and its
 * connections finished or, after the shutdown grace period, closed.
 */
public class ConnListenerStoppedEvent extends ApplicationEvent {

	private final int closedConnections;

	/**
	 * Create a new event.
	 * @param listener the listener that stopped
	 * @param closedConnections how many connections were still open after the grace period
	 * and were closed
	 */
	public ConnListenerStoppedEvent(ManagedConnListener listener, int closedConnections) {
		super(listener);
		this.closedConnections = closedConnections;
	}

	/**
	 * Return the listener that stopped.
	 * @return the listener
	 */
	public ManagedConnListener getListener() {
		return (ManagedConnListener) getSource();
	}

	/**
	 * Return how many connections were still open after the grace period and were closed.
	 * @return the count; 0 when every connection finished in time
	 */
	public int getClosedConnections() {
		return this.closedConnections;
	}

}
