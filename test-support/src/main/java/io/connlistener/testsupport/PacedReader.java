package io.connlistener.testsupport;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

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
	public static Result read(SocketChannel channel, long total, int bytesPerSecond) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(Math.max(1, bytesPerSecond / 100));
		long received = 0;
		long longestGap = 0;
		long lastRead = System.nanoTime();
		long next = lastRead;
		while (received < total) {
			buffer.clear().limit((int) Math.min(buffer.capacity(), total - received));
			int read = channel.read(buffer);
			if (read < 0) {
				break;
			}
			long now = System.nanoTime();
			longestGap = Math.max(longestGap, now - lastRead);
			lastRead = now;
			received += read;
			next += TICK_NANOS;
			LockSupport.parkNanos(next - System.nanoTime());
		}
		return new Result(received, longestGap);
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
