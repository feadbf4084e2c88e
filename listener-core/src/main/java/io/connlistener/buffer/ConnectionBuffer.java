package io.connlistener.buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.Objects;

/**
 * A byte queue made of a chain of {@link ByteBuffer} segments: the Java counterpart of
 * libevent's {@code evbuffer}. Bytes are added at the end and read from the front;
 * {@link #moveTo(ConnectionBuffer)} hands every segment to another buffer without copying
 * a byte, so an echo is {@code c.input().moveTo(c.output())}.
 * <p>
 * Not thread-safe. The {@link BufferedConnection#input() input} and
 * {@link BufferedConnection#output() output} of a connection take their segments from a
 * pool of the connection's loop and must only be used on that loop's thread (inside the
 * handler's callbacks, or in tasks run on the loop). A buffer created with
 * {@link #ConnectionBuffer()} is unpooled and belongs to whichever thread uses it.
 */
public final class ConnectionBuffer {

	private static final int DEFAULT_UNPOOLED_SEGMENT_SIZE = 8 * 1024;

	private final SegmentChain chain;

	private BufferListener listener;

	private int readable;

	private boolean freed;

	/**
	 * Create an empty buffer of heap segments that are not pooled, for instance to build a
	 * message before {@linkplain #moveTo(ConnectionBuffer) moving} it to a connection's output.
	 */
	public ConnectionBuffer() {
		this(BufferPool.unpooled(DEFAULT_UNPOOLED_SEGMENT_SIZE), null);
	}

	ConnectionBuffer(BufferPool pool, BufferListener listener) {
		this.chain = new SegmentChain(pool);
		this.listener = listener;
	}

	/**
	 * Return how many bytes can be read: libevent's {@code evbuffer_get_length}.
	 * @return the number of readable bytes
	 */
	public int readableBytes() {
		return this.readable;
	}

	/**
	 * Return whether the buffer holds no bytes.
	 * @return {@code true} if there is nothing to read
	 */
	public boolean isEmpty() {
		return this.readable == 0;
	}

	/**
	 * Append a copy of the given bytes: libevent's {@code evbuffer_add}.
	 * @param source the bytes
	 */
	public void add(byte[] source) {
		Objects.requireNonNull(source, "'source' must not be null");
		add(source, 0, source.length);
	}

	/**
	 * Append a copy of part of the given array.
	 * @param source the bytes
	 * @param offset index of the first byte to add
	 * @param length how many bytes to add
	 */
	public void add(byte[] source, int offset, int length) {
		Objects.requireNonNull(source, "'source' must not be null");
		Objects.checkFromIndexSize(offset, length, source.length);
		add(ByteBuffer.wrap(source, offset, length));
	}

	/**
	 * Append a copy of the remaining bytes of the given buffer, whose position advances to
	 * its limit. The caller keeps the buffer and may reuse it at once.
	 * @param source the bytes
	 */
	public void add(ByteBuffer source) {
		Objects.requireNonNull(source, "'source' must not be null");
		int length = source.remaining();
		if (length == 0 || this.freed) {
			return;
		}
		int offset = source.position();
		while (length > 0) {
			ByteBuffer last = this.chain.writableTail();
			int end = last.limit();
			int count = Math.min(length, last.capacity() - end);
			last.limit(end + count);
			last.put(end, source, offset, count);
			offset += count;
			length -= count;
			this.readable += count;
		}
		source.position(offset);
		added();
	}

	/**
	 * Append a string in the given character set.
	 * @param text the text
	 * @param charset the character set
	 */
	public void add(CharSequence text, Charset charset) {
		Objects.requireNonNull(text, "'text' must not be null");
		Objects.requireNonNull(charset, "'charset' must not be null");
		add(text.toString().getBytes(charset));
	}

	/**
	 * Move every byte of this buffer to the end of the target, leaving this buffer empty:
	 * libevent's {@code evbuffer_add_buffer}. The segments themselves move; no byte is copied.
	 * @param target the buffer that receives the bytes
	 */
	public void moveTo(ConnectionBuffer target) {
		Objects.requireNonNull(target, "'target' must not be null");
		if (target == this) {
			throw new IllegalArgumentException("A buffer cannot be moved to itself");
		}
		if (this.readable == 0) {
			return;
		}
		if (target.freed) {
			this.chain.releaseAll();
			this.readable = 0;
			consumed();
			return;
		}
		this.chain.moveTo(target.chain);
		target.readable += this.readable;
		this.readable = 0;
		consumed();
		target.added();
	}

	/**
	 * Copy bytes from the front of the buffer into the array and remove them: libevent's
	 * {@code evbuffer_remove}.
	 * @param target where to copy
	 * @return how many bytes were read, at most {@code target.length}
	 */
	public int read(byte[] target) {
		Objects.requireNonNull(target, "'target' must not be null");
		return read(target, 0, target.length);
	}

	/**
	 * Copy bytes from the front of the buffer into part of the array and remove them.
	 * @param target where to copy
	 * @param offset index in the array of the first byte
	 * @param length the most bytes to read
	 * @return how many bytes were read
	 */
	public int read(byte[] target, int offset, int length) {
		Objects.requireNonNull(target, "'target' must not be null");
		Objects.checkFromIndexSize(offset, length, target.length);
		int total = 0;
		while (total < length && this.chain.size() > 0) {
			ByteBuffer first = this.chain.get(0);
			int count = Math.min(length - total, first.remaining());
			first.get(target, offset + total, count);
			total += count;
			this.chain.releaseFirstIfDrained();
		}
		this.readable -= total;
		if (total > 0) {
			consumed();
		}
		return total;
	}

	/**
	 * Copy bytes from the front of the buffer into the target's remaining space and remove
	 * them. The target's position advances.
	 * @param target where to copy
	 * @return how many bytes were read
	 */
	public int read(ByteBuffer target) {
		Objects.requireNonNull(target, "'target' must not be null");
		int total = 0;
		while (target.hasRemaining() && this.chain.size() > 0) {
			ByteBuffer first = this.chain.get(0);
			int count = Math.min(target.remaining(), first.remaining());
			int position = first.position();
			target.put(target.position(), first, position, count);
			target.position(target.position() + count);
			first.position(position + count);
			total += count;
			this.chain.releaseFirstIfDrained();
		}
		this.readable -= total;
		if (total > 0) {
			consumed();
		}
		return total;
	}

	/**
	 * Read and remove one line, ended by {@code \n} or {@code \r\n}, decoded as UTF-8: libevent's
	 * {@code evbuffer_readln} with {@code EVBUFFER_EOL_CRLF}.
	 * @return the line without its end, or {@code null} if no complete line is buffered
	 */
	public String readLine() {
		return readLine(StandardCharsets.UTF_8);
	}

	/**
	 * Read and remove one line, ended by {@code \n} or {@code \r\n}.
	 * @param charset the character set of the line
	 * @return the line without its end, or {@code null} if no complete line is buffered
	 */
	public String readLine(Charset charset) {
		Objects.requireNonNull(charset, "'charset' must not be null");
		int end = indexOf((byte) '\n');
		if (end < 0) {
			return null;
		}
		byte[] line = new byte[end + 1];
		read(line);
		int length = (end > 0 && line[end - 1] == '\r') ? end - 1 : end;
		return new String(line, 0, length, charset);
	}

	/**
	 * Return the index of the first occurrence of a byte: libevent's {@code evbuffer_search}.
	 * @param value the byte to look for
	 * @return its index from the front, or -1
	 */
	public int indexOf(byte value) {
		return indexOf(value, 0, this.readable);
	}

	/**
	 * Return the index of the first occurrence of a byte at or after an index, so that a
	 * search can go on where an earlier one stopped.
	 * @param value the byte to look for
	 * @param fromIndex where to start, from the front; may exceed the readable bytes
	 * @return its index from the front, or -1
	 */
	public int indexOf(byte value, int fromIndex) {
		return indexOf(value, fromIndex, this.readable);
	}

	/**
	 * Return the index of the first occurrence of a byte in a range, so that a search neither
	 * repeats what an earlier one covered nor goes past a limit.
	 * @param value the byte to look for
	 * @param fromIndex the first index to look at
	 * @param toIndex the index after the last to look at; may exceed the readable bytes
	 * @return its index from the front, or -1
	 */
	public int indexOf(byte value, int fromIndex, int toIndex) {
		if (fromIndex < 0) {
			throw new IllegalArgumentException("'fromIndex' must not be negative");
		}
		int end = Math.min(toIndex, this.readable);
		int base = 0;
		for (int i = 0, segments = this.chain.size(); i < segments && base < end; i++) {
			ByteBuffer segment = this.chain.get(i);
			int remaining = segment.remaining();
			if (fromIndex < base + remaining) {
				int position = segment.position();
				int from = position + Math.max(0, fromIndex - base);
				int to = position + Math.min(remaining, end - base);
				for (int j = from; j < to; j++) {
					if (segment.get(j) == value) {
						return base + j - position;
					}
				}
			}
			base += remaining;
		}
		return -1;
	}

	/**
	 * Return the byte at an index from the front without removing it.
	 * @param index the index, less than {@link #readableBytes()}
	 * @return the byte
	 */
	public byte getByte(int index) {
		Objects.checkIndex(index, this.readable);
		for (int i = 0, segments = this.chain.size(); i < segments; i++) {
			ByteBuffer segment = this.chain.get(i);
			if (index < segment.remaining()) {
				return segment.get(segment.position() + index);
			}
			index -= segment.remaining();
		}
		throw new IllegalStateException("Buffer chain shorter than its length");
	}

	/**
	 * Remove bytes from the front without reading them: libevent's {@code evbuffer_drain}.
	 * @param length how many bytes to remove; everything if it exceeds the readable bytes
	 */
	public void drain(int length) {
		if (length < 0) {
			throw new IllegalArgumentException("'length' must not be negative");
		}
		int total = 0;
		while (total < length && this.chain.size() > 0) {
			ByteBuffer first = this.chain.get(0);
			int count = Math.min(length - total, first.remaining());
			first.position(first.position() + count);
			total += count;
			this.chain.releaseFirstIfDrained();
		}
		this.readable -= total;
		if (total > 0) {
			consumed();
		}
	}

	/**
	 * Read from the channel into the last segment, or into a new one. Does not tell the listener.
	 * @param channel the channel
	 * @return the bytes read, 0 if none were ready, -1 at end of stream
	 * @throws IOException if the read fails
	 */
	int readFrom(ReadableByteChannel channel) throws IOException {
		int count = this.chain.readFrom(channel);
		if (count > 0) {
			this.readable += count;
		}
		return count;
	}

	/**
	 * Return whether the last segment is full, which after a read means the channel may
	 * hold more bytes.
	 * @return {@code true} if the last segment has no room left
	 */
	boolean isLastSegmentFull() {
		return this.chain.isLastFull();
	}

	/**
	 * Write as much as the channel takes, several segments per call, and remove what was
	 * written. Does not tell the listener.
	 * @param channel the channel
	 * @return the number of bytes written
	 * @throws IOException if the write fails
	 */
	long writeTo(GatheringByteChannel channel) throws IOException {
		try {
			long written = this.chain.writeTo(channel);
			this.readable -= (int) written;
			return written;
		}
		catch (IOException ex) {
			// Writes of earlier segments may have gone out before this one failed.
			this.readable = this.chain.countBytes();
			throw ex;
		}
	}

	/**
	 * Give every segment back to the pool and refuse bytes from now on. Called when the
	 * owning connection is freed.
	 */
	void free() {
		this.chain.releaseAll();
		this.readable = 0;
		this.freed = true;
		this.listener = null;
	}

	int segmentCount() {
		return this.chain.size();
	}

	ByteBuffer segment(int index) {
		Objects.checkIndex(index, segmentCount());
		return this.chain.get(index);
	}

	BufferPool pool() {
		return this.chain.pool();
	}

	private void added() {
		BufferListener listener = this.listener;
		if (listener != null) {
			listener.added();
		}
	}

	private void consumed() {
		BufferListener listener = this.listener;
		if (listener != null) {
			listener.consumed();
		}
	}

	@Override
	public String toString() {
		return "ConnectionBuffer[readableBytes=" + this.readable + ", segments=" + segmentCount() + "]";
	}

}
