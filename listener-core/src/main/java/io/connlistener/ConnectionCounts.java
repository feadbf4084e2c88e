package io.connlistener;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The connections that one or more {@link ConnListener}s hold, counted in one place so that
 * their limits hold together: {@link ListenerSettings#maxConnections()} and
 * {@link AdmissionSettings#maxConnectionsPerIp()} apply to the sum, not to each listener.
 * Give one instance to the listeners of one service through
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

	private final AtomicInteger open = new AtomicInteger();

	private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

	private final List<ConnListener> members = new CopyOnWriteArrayList<>();

	/**
	 * Return how many connections are held.
	 * @return the count
	 */
	public int open() {
		return this.open.get();
	}

	/**
	 * Return how many admitted connections from an address are held, as a per-IP cap counts
	 * them; 0 when no listener has a cap.
	 * @param address the client's address
	 * @return the count
	 */
	public int openFrom(InetAddress address) {
		return this.perAddress.getOrDefault(CidrRange.normalize(address), 0);
	}

	/**
	 * Count one more connection unless {@code max} are held already.
	 * @param max the limit, 0 for none
	 * @return whether the connection was counted
	 */
	boolean tryReserve(int max) {
		while (true) {
			int held = this.open.get();
			if (max > 0 && held >= max) {
				return false;
			}
			if (this.open.compareAndSet(held, held + 1)) {
				return true;
			}
		}
	}

	/**
	 * Count one connection fewer, and tell every listener that shares the counts.
	 */
	void release() {
		this.open.decrementAndGet();
		for (ConnListener member : this.members) {
			member.countsReleased();
		}
	}

	/**
	 * Return whether an address holds {@code max} connections already.
	 */
	boolean atAddressLimit(InetAddress normalized, int max) {
		Integer held = this.perAddress.get(normalized);
		return held != null && held >= max;
	}

	/**
	 * Count one more connection from an address unless it holds {@code max} already: one
	 * atomic step, so that listeners on several loops cannot both take the last slot.
	 */
	boolean tryReserveAddress(InetAddress normalized, int max) {
		boolean[] reserved = new boolean[1];
		this.perAddress.compute(normalized, (address, held) -> {
			int count = (held != null) ? held : 0;
			if (count >= max) {
				return held;
			}
			reserved[0] = true;
			return count + 1;
		});
		return reserved[0];
	}

	/**
	 * Count one connection fewer from an address; nothing for an address that holds none.
	 */
	void releaseAddress(InetAddress normalized) {
		this.perAddress.computeIfPresent(normalized, (address, held) -> (held > 1) ? held - 1 : null);
	}

	void join(ConnListener listener) {
		this.members.add(listener);
	}

	void leave(ConnListener listener) {
		this.members.remove(listener);
	}

}
