package io.connlistener.internal.accept;

import java.net.InetAddress;
import java.util.List;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The places one or more listeners' connections take, behind the public
 * {@link io.connlistener.ConnectionCounts}: in all, and per client address. A connection
 * takes its place when it is accepted and gives it back when it is rejected or reported
 * closed; every release wakes the listeners that share the occupancy.
 * <p>
 * Safe to use from any thread: taking a place is one atomic step, so listeners on several
 * loops cannot both take the last one.
 */
public final class Occupancy {

	private final AtomicInteger held = new AtomicInteger();

	private final Map<InetAddress, Integer> perAddress = new ConcurrentHashMap<>();

	private final List<Member> members = new CopyOnWriteArrayList<>();

	public int held() {
		return this.held.get();
	}

	/**
	 * Return how many places an address holds; the address is normalized as
	 * {@link io.connlistener.admission.CidrRange#normalize} does.
	 */
	public int heldBy(InetAddress normalized) {
		return this.perAddress.getOrDefault(normalized, 0);
	}

	/**
	 * Take a place unless {@code max} are held already.
	 * @param max the limit, 0 for none
	 * @return whether a place was taken
	 */
	public boolean tryTake(int max) {
		while (true) {
			int count = this.held.get();
			if (max > 0 && count >= max) {
				return false;
			}
			if (this.held.compareAndSet(count, count + 1)) {
				return true;
			}
		}
	}

	/**
	 * Give back the place of a connection that was closed, and tell every member: a place
	 * and a file descriptor are free.
	 */
	public void release() {
		this.held.decrementAndGet();
		for (Member member : this.members) {
			member.released(true);
		}
	}

	/**
	 * Give back a place taken for an {@code accept()} that brought no connection, and tell
	 * the members that a place is free, but no descriptor.
	 */
	public void untake() {
		this.held.decrementAndGet();
		for (Member member : this.members) {
			member.released(false);
		}
	}

	/**
	 * Take a place for an address unless it holds {@code max} already.
	 */
	public boolean tryTakeFor(InetAddress normalized, int max) {
		boolean[] taken = new boolean[1];
		this.perAddress.compute(normalized, (address, count) -> {
			int current = (count != null) ? count : 0;
			if (current >= max) {
				return count;
			}
			taken[0] = true;
			return current + 1;
		});
		return taken[0];
	}

	/**
	 * Give back a place of an address; nothing for an address that holds none.
	 */
	public void releaseFor(InetAddress normalized) {
		this.perAddress.computeIfPresent(normalized, (address, count) -> (count > 1) ? count - 1 : null);
	}

	public void join(Member member) {
		this.members.add(member);
	}

	public void leave(Member member) {
		this.members.remove(member);
	}

	/**
	 * A listener told of every release, to resume when it paused at its limit.
	 */
	@FunctionalInterface
	public interface Member {

		/**
		 * A place was given back; called on the releasing thread, so it must be quick.
		 * @param descriptorFreed whether a connection was closed, so that a file descriptor
		 * is free too
		 */
		void released(boolean descriptorFreed);

	}

}
