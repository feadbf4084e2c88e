package io.connlistener.buffer;

import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import java.util.WeakHashMap;

import io.connlistener.loop.EventLoop;

/**
 * What the buffered connections of one {@link EventLoop} share: their buffer pools (one per
 * segment size) and a count of handler failures.
 * <p>
 * {@link #of(EventLoop)} and {@link #pool(int)} may be called from any thread and are only
 * called when a connection opens, never on the I/O path; the pools are only used on the
 * loop thread.
 */
final class LoopResources {

	private static final Map<EventLoop, LoopResources> resources = Collections.synchronizedMap(new WeakHashMap<>());

	private final List<BufferPool> pools = new ArrayList<>(2);

	private volatile long handlerFailures;

	private LoopResources() {
	}

	static LoopResources of(EventLoop loop) {
		return resources.computeIfAbsent(loop, (key) -> new LoopResources());
	}

	static LoopResources peek(EventLoop loop) {
		return resources.get(loop);
	}

	/**
	 * Return the pool of segments of the given size, creating it on first use. Called once
	 * per connection from any thread; the pool itself is then only used on the loop thread.
	 * @param segmentSize the segment size
	 * @return the pool
	 */
	synchronized BufferPool pool(int segmentSize) {
		for (BufferPool pool : this.pools) {
			if (pool.segmentSize() == segmentSize) {
				return pool;
			}
		}
		BufferPool pool = new BufferPool(segmentSize);
		this.pools.add(pool);
		return pool;
	}

	/** Called on the loop thread. */
	void recordHandlerFailure() {
		this.handlerFailures++;
	}

	long handlerFailures() {
		return this.handlerFailures;
	}

}
