package io.connlistener.buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.util.Arrays;

/**
 * The segments of a {@link ConnectionBuffer}, front first, and the moves of their bytes to
 * and from a channel: libevent's chain of {@code evbuffer_chain}s. A segment's bytes lie
 * between its position and its limit; bytes added at the end go after the limit of the last
 * one, up to its capacity. Segments come from a {@link BufferPool} and go back to it once
 * read.
 * <p>
 * Not thread-safe. Counts no bytes: its buffer does.
 */
final class SegmentChain {

	/** Read into the last segment only while it has this much room left (or a quarter of it). */
	private static final int MIN_READ_ROOM = 1024;

	/** Gather at most this many segments in one write. */
	private static final int MAX_GATHER = 64;

	private final BufferPool pool;

	private ByteBuffer[] segments = new ByteBuffer[8];

	private int head;

	private int tail;

	SegmentChain(BufferPool pool) {
		this.pool = pool;
	}

	BufferPool pool() {
		return this.pool;
	}

	int size() {
		return this.tail - this.head;
	}

	/**
	 * Return a segment by its place from the front.
	 * @param index the place, less than {@link #size()}
	 * @return the segment
	 */
	ByteBuffer get(int index) {
		return this.segments[this.head + index];
	}

	/**
	 * Return the last segment if it has room at its end, else a new one appended.
	 * @return a segment to add bytes after the limit of
	 */
	ByteBuffer writableTail() {
		if (this.tail > this.head) {
			ByteBuffer last = this.segments[this.tail - 1];
			if (last.limit() < last.capacity() && !last.isReadOnly()) {
				return last;
			}
		}
		ByteBuffer fresh = this.pool.acquire();
		fresh.limit(0);
		append(fresh);
		return fresh;
	}

	/**
	 * Give the first segment back to the pool if it holds no more bytes.
	 */
	void releaseFirstIfDrained() {
		ByteBuffer first = this.segments[this.head];
		if (!first.hasRemaining()) {
			this.segments[this.head++] = null;
			if (this.head == this.tail) {
				this.head = 0;
				this.tail = 0;
			}
			this.pool.release(first);
		}
	}

	/**
	 * Move every segment to the end of another chain, leaving this one empty.
	 * @param target the chain that takes the segments
	 */
	void moveTo(SegmentChain target) {
		for (int i = this.head; i < this.tail; i++) {
			target.append(this.segments[i]);
			this.segments[i] = null;
		}
		this.head = 0;
		this.tail = 0;
	}

	/**
	 * Give every segment back to the pool.
	 */
	void releaseAll() {
		for (int i = this.head; i < this.tail; i++) {
			this.pool.release(this.segments[i]);
			this.segments[i] = null;
		}
		this.head = 0;
		this.tail = 0;
	}

	/**
	 * Count the bytes the segments hold, one by one: for when a count was lost.
	 * @return the bytes
	 */
	int countBytes() {
		int bytes = 0;
		for (int i = this.head; i < this.tail; i++) {
			bytes += this.segments[i].remaining();
		}
		return bytes;
	}

	/**
	 * Read from the channel into the last segment, or into a new one.
	 * @param channel the channel
	 * @return the bytes read, 0 if none were ready, -1 at end of stream
	 * @throws IOException if the read fails
	 */
	int readFrom(ReadableByteChannel channel) throws IOException {
		ByteBuffer last = (this.tail > this.head) ? this.segments[this.tail - 1] : null;
		boolean fresh = last == null || last.isReadOnly()
				|| last.capacity() - last.limit() < Math.min(MIN_READ_ROOM, last.capacity() / 4);
		if (fresh) {
			last = this.pool.acquire();
			last.limit(0);
		}
		int position = last.position();
		int end = last.limit();
		last.limit(last.capacity());
		last.position(end);
		try {
			return channel.read(last);
		}
		finally {
			int newEnd = last.position();
			last.limit(newEnd);
			last.position(position);
			if (fresh) {
				if (newEnd > end) {
					append(last);
				}
				else {
					this.pool.release(last);
				}
			}
		}
	}

	/**
	 * Return whether the last segment is full, which after a read means the channel may
	 * hold more bytes.
	 * @return {@code true} if the last segment has no room left
	 */
	boolean isLastFull() {
		if (this.tail == this.head) {
			return false;
		}
		ByteBuffer last = this.segments[this.tail - 1];
		return last.limit() == last.capacity();
	}

	/**
	 * Write as much as the channel takes, several segments per call, and give back the
	 * segments written.
	 * @param channel the channel
	 * @return the number of bytes written
	 * @throws IOException if a write fails, perhaps after others went out
	 */
	long writeTo(GatheringByteChannel channel) throws IOException {
		long total = 0;
		while (this.head < this.tail) {
			int count = Math.min(this.tail - this.head, MAX_GATHER);
			total += (count == 1) ? channel.write(this.segments[this.head])
					: channel.write(this.segments, this.head, count);
			while (count > 0 && !this.segments[this.head].hasRemaining()) {
				releaseFirstIfDrained();
				count--;
			}
			if (count > 0) {
				// The socket pushed back.
				break;
			}
		}
		return total;
	}

	private void append(ByteBuffer segment) {
		if (this.tail == this.segments.length) {
			int count = this.tail - this.head;
			if (this.head > 0 && count < this.segments.length / 2) {
				System.arraycopy(this.segments, this.head, this.segments, 0, count);
				Arrays.fill(this.segments, count, this.tail, null);
			}
			else {
				ByteBuffer[] grown = new ByteBuffer[this.segments.length * 2];
				System.arraycopy(this.segments, this.head, grown, 0, count);
				this.segments = grown;
			}
			this.head = 0;
			this.tail = count;
		}
		this.segments[this.tail++] = segment;
	}

}
