package io.connlistener.loop;

import java.time.Duration;
import java.util.ArrayList;
import java.util.Collections;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * A fixed set of {@link EventLoop event loops} that connections are spread over, so that one
 * acceptor can feed every core.
 * <p>
 * Safe to use from any thread.
 */
public final class EventLoopGroup implements AutoCloseable {

	private final List<EventLoop> loops;

	private final AtomicInteger next = new AtomicInteger();

	/**
	 * Create a group of loops whose threads are named {@code <prefix>-1} to {@code <prefix>-N}.
	 * @param size number of loops, at least one
	 * @param threadNamePrefix prefix of the thread names
	 */
	public EventLoopGroup(int size, String threadNamePrefix) {
		this(size, threadNamePrefix, EventLoop.DEFAULT_ARRIVAL_BATCHING);
	}

	/**
	 * Create a group of loops whose threads are named {@code <prefix>-1} to {@code <prefix>-N},
	 * each with the given arrival batching.
	 * @param size number of loops, at least one
	 * @param threadNamePrefix prefix of the thread names
	 * @param arrivalBatching how long each loop pauses before it selects while connections
	 * keep arriving ({@link EventLoop}); {@link Duration#ZERO} never pauses
	 */
	public EventLoopGroup(int size, String threadNamePrefix, Duration arrivalBatching) {
		if (size < 1) {
			throw new IllegalArgumentException("'size' must be at least 1, not " + size);
		}
		List<EventLoop> loops = new ArrayList<>(size);
		for (int i = 1; i <= size; i++) {
			loops.add(new EventLoop(threadNamePrefix + "-" + i, arrivalBatching));
		}
		this.loops = Collections.unmodifiableList(loops);
	}

	/**
	 * Create a group with one loop per available processor.
	 */
	public EventLoopGroup() {
		this(Runtime.getRuntime().availableProcessors(), "connlistener-io");
	}

	/**
	 * Return the next loop, round-robin.
	 * @return a loop of this group
	 */
	public EventLoop next() {
		int size = this.loops.size();
		return (size == 1) ? this.loops.get(0) : this.loops.get(Math.floorMod(this.next.getAndIncrement(), size));
	}

	/**
	 * Return the loop with the fewest registered channels.
	 * @return a loop of this group
	 */
	public EventLoop leastLoaded() {
		EventLoop best = this.loops.get(0);
		int fewest = best.registeredChannels();
		for (int i = 1; i < this.loops.size(); i++) {
			EventLoop candidate = this.loops.get(i);
			int channels = candidate.registeredChannels();
			if (channels < fewest) {
				best = candidate;
				fewest = channels;
			}
		}
		return best;
	}

	/**
	 * Return the loops of this group.
	 * @return an unmodifiable list
	 */
	public List<EventLoop> loops() {
		return this.loops;
	}

	/**
	 * Close every loop of the group, waiting until their threads have ended.
	 */
	@Override
	public void close() {
		this.loops.forEach(EventLoop::close);
	}

	/**
	 * Close every loop of the group, waiting at most the given time in all for their threads
	 * to end; see {@link EventLoop#close(Duration)}.
	 * @param timeout how long to wait
	 * @return {@code true} if every thread has ended
	 */
	public boolean close(Duration timeout) {
		long deadline = System.nanoTime() + timeout.toNanos();
		// Ask every loop first, so that they wind down together.
		this.loops.forEach((loop) -> loop.close(Duration.ZERO));
		boolean ended = true;
		for (EventLoop loop : this.loops) {
			ended &= loop.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
		}
		return ended;
	}

}
