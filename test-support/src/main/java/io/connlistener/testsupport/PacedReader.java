package io.connlistener.testsupport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

/**
 * A peer that reads steadily and slowly: a load shape for timeouts that must tell a slow
 * peer from one that stopped reading.
 */
public final class PacedReader {

	private static final long TICK_NANOS = TimeUnit.MILLISECONDS.toNanos(10);

	private PacedReader() {
	}

	/**
	 * Read from a blocking channel at a pace, in ticks of 10 ms, until {@code total} bytes or
	 * the end of the stream.
	 * @param channel the channel, in blocking mode
	 * @param total how many bytes to read at most
	 * @param bytesPerSecond the pace
	 * @return what was read
	 * @throws IOException if a read fails
	 */
	public static Result read(ReadableByteChannel channel, long total, int bytesPerSecond) throws IOException {
		return read(channel, total, bytesPerSecond, (bytes) -> {
		});
	}

	/**
	 * Read as {@link #read(ReadableByteChannel, long, int)} does, giving each read's bytes to
	 * {@code received} (a digest, say) before the next.
	 * @param channel the channel, in blocking mode ({@code Channels.newChannel} of a stream)
	 * @param total how many bytes to read at most
	 * @param bytesPerSecond the pace
	 * @param received takes each read's bytes, between position and limit
	 * @return what was read
	 * @throws IOException if a read fails
	 */
	public static Result read(ReadableByteChannel channel, long total, int bytesPerSecond,
			Consumer<ByteBuffer> received) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(Math.max(1, bytesPerSecond / 100));
		long bytes = 0;
		long longestGap = 0;
		long lastRead = System.nanoTime();
		long next = lastRead;
		while (bytes < total) {
			buffer.clear().limit((int) Math.min(buffer.capacity(), total - bytes));
			int read = channel.read(buffer);
			if (read < 0) {
				break;
			}
			long now = System.nanoTime();
			longestGap = Math.max(longestGap, now - lastRead);
			lastRead = now;
			bytes += read;
			received.accept(buffer.flip());
			next += TICK_NANOS;
			LockSupport.parkNanos(next - System.nanoTime());
		}
		return new Result(bytes, longestGap);
	}

	/**
	 * What a paced read got.
	 *
	 * @param bytes how many bytes were read
	 * @param longestGapNanos the longest time between two reads
	 */
	public record Result(long bytes, long longestGapNanos) {

		/**
		 * Return the longest time between two reads.
		 * @return milliseconds
		 */
		public long longestGapMillis() {
			return TimeUnit.NANOSECONDS.toMillis(this.longestGapNanos);
		}

	}

}
