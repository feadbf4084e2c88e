package io.connlistener;

import java.net.InetAddress;

import io.connlistener.admission.CidrRange;
import io.connlistener.internal.accept.Occupancy;

/**
 * The connections that one or more {@link ConnListener}s hold, counted in one place so that
 * their limits hold together: {@link ListenerSettings#maxConnections()} and
 * {@link io.connlistener.admission.AdmissionSettings#maxConnectionsPerIp()} apply to the
 * sum, not to each listener. Give one instance to the listeners of one service through
 * {@link ConnListenerBuilder#connectionCounts(ConnectionCounts)}: several sockets bound to
 * one port ({@link ListenerOption#REUSEABLE_PORT}), or the sockets a service closes and binds
 * again, whose connections outlive the socket that accepted them. A listener built without
 * one counts on its own.
 * <p>
 * A connection is counted from the moment it is accepted, while its PROXY header is read and
 * its first byte awaited too, until it is rejected or
 * {@linkplain ConnListener#connectionClosed(java.net.SocketAddress) reported closed}. Safe to
 * use from any thread: a close reported on one thread is seen by the next accept on another,
 * and wakes every listener paused at the limit.
 */
public final class ConnectionCounts {

	private final Occupancy occupancy = new Occupancy();

	/**
	 * Return how many connections are held.
	 * @return the count
	 */
	public int open() {
		return this.occupancy.held();
	}

	/**
	 * Return how many admitted connections from an address are held, as a per-IP cap counts
	 * them; 0 when no listener has a cap.
	 * @param address the client's address
	 * @return the count
	 */
	public int openFrom(InetAddress address) {
		return this.occupancy.heldBy(CidrRange.normalize(address));
	}

	Occupancy occupancy() {
		return this.occupancy;
	}

}
