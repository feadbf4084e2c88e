package io.connlistener.buffer;

import java.nio.ByteBuffer;

/**
 * A free list of direct {@link ByteBuffer segments} of one size, so that a connection in a
 * steady state reuses the same few segments instead of allocating.
 * <p>
 * Not thread-safe: one pool belongs to one {@link io.connlistener.loop.EventLoop} and is only
 * used on its thread. A pool of {@code null} loop ownership (see {@link #unpooled(int)}) never
 * retains anything and may be used from any thread.
 */
final class BufferPool {

	/** Retain at most this many bytes of free segments per pool. */
	static final int MAX_RETAINED_BYTES = 4 * 1024 * 1024;

	private final int segmentSize;

	private final boolean direct;

	private final ByteBuffer[] free;

	private int freeCount;

	private long allocated;

	BufferPool(int segmentSize) {
		this(segmentSize, true, Math.max(4, MAX_RETAINED_BYTES / segmentSize));
	}

	private BufferPool(int segmentSize, boolean direct, int maxRetained) {
		this.segmentSize = segmentSize;
		this.direct = direct;
		this.free = new ByteBuffer[maxRetained];
	}

	/**
	 * Return a pool that allocates heap segments and retains none of them.
	 * @param segmentSize the size of each segment
	 * @return a pool that may be used from any thread
	 */
	static BufferPool unpooled(int segmentSize) {
		return new BufferPool(segmentSize, false, 0);
	}

	/**
	 * Take a cleared segment from the pool, or allocate one.
	 * @return a segment with position 0 and limit at its capacity
	 */
	ByteBuffer acquire() {
		if (this.freeCount > 0) {
			ByteBuffer segment = this.free[--this.freeCount];
			this.free[this.freeCount] = null;
			return segment;
		}
		this.allocated++;
		return this.direct ? ByteBuffer.allocateDirect(this.segmentSize) : ByteBuffer.allocate(this.segmentSize);
	}

	/**
	 * Give a segment back. Segments of another size or kind (moved in from another pool or
	 * added by a user) and segments beyond the retained maximum are left to the garbage
	 * collector.
	 * @param segment the segment, which the caller must no longer use
	 */
	void release(ByteBuffer segment) {
		if (this.freeCount < this.free.length && segment.capacity() == this.segmentSize
				&& segment.isDirect() == this.direct && !segment.isReadOnly()) {
			segment.clear();
			this.free[this.freeCount++] = segment;
		}
	}

	int segmentSize() {
		return this.segmentSize;
	}

	/**
	 * Return how many segments this pool has allocated since it was created.
	 * @return the allocation count
	 */
	long allocated() {
		return this.allocated;
	}

	/**
	 * Return how many free segments the pool holds.
	 * @return the free count
	 */
	int free() {
		return this.freeCount;
	}

}
