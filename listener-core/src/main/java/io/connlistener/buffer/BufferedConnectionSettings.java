package io.connlistener.buffer;

import java.time.Duration;

/**
 * How a {@link BufferedConnection} buffers and times out: libevent's
 * {@code bufferevent_setwatermark} and {@code bufferevent_set_timeouts}, plus an idle timeout
 * that libevent does not have. Immutable.
 * <p>
 * The read timeout is libevent's: it runs only while reading is enabled, so it does not fire
 * while the handler or the read high watermark holds reading back. The write timeout runs
 * while output waits for the socket and measures whether the peer takes bytes: when it runs
 * out, the connection tries to write before it gives up, because the selector may not report
 * a socket writable for a long time although a slow peer reads all the while (Linux reports
 * a TCP socket writable only once about a third of its send buffer is free); the read
 * timeout likewise tries a read. The idle timeout runs all the time, and only bytes read or
 * written hold it off: it ends a connection that a stalled peer and the back-pressure it
 * causes leave with neither direction watched.
 *
 * @param readBufferSize size of each pooled segment, so the most read from the socket in one
 * call
 * @param readHighWatermark stop reading from the socket while the input holds at least this
 * many bytes, until the handler consumes them; 0 for no limit
 * @param writeLowWatermark {@link BufferedHandler#onWrite} fires once pushed-back output has
 * drained to this many bytes or fewer
 * @param writeHighWatermark {@link BufferedConnection#isWritable()} is {@code false} while the
 * output holds more than this many bytes
 * @param readTimeout fire {@link ConnectionEvent#READ_TIMEOUT} when nothing arrives for this
 * long while reading; {@code null} or zero for none
 * @param writeTimeout fire {@link ConnectionEvent#WRITE_TIMEOUT} when pending output makes no
 * progress for this long, the socket taking no byte even when tried at the timeout;
 * {@code null} or zero for none
 * @param idleTimeout fire {@link ConnectionEvent#IDLE_TIMEOUT} when nothing is read or
 * written for this long, whatever paused reading or writing, or {@link
 * ConnectionEvent#WRITE_TIMEOUT} if output is stuck then and the write timeout is no longer;
 * {@code null} or zero for none
 */
public record BufferedConnectionSettings(int readBufferSize, int readHighWatermark, int writeLowWatermark,
		int writeHighWatermark, Duration readTimeout, Duration writeTimeout, Duration idleTimeout) {

	/** Default {@link #readBufferSize()}: 16 KiB. */
	public static final int DEFAULT_READ_BUFFER_SIZE = 16 * 1024;

	/** Default {@link #readHighWatermark()}: 256 KiB. */
	public static final int DEFAULT_READ_HIGH_WATERMARK = 256 * 1024;

	/** Default {@link #writeLowWatermark()}: 8 KiB, half the high watermark. */
	public static final int DEFAULT_WRITE_LOW_WATERMARK = 8 * 1024;

	/**
	 * Default {@link #writeHighWatermark()}: 16 KiB, the smallest value the benchmark's
	 * sweep tried, as fast as 64 and 256 KiB within its noise and a quarter of the memory a
	 * connection to a slow reader holds (docs/BENCHMARKS.md).
	 */
	public static final int DEFAULT_WRITE_HIGH_WATERMARK = 16 * 1024;

	/** Default {@link #readTimeout()}: none. */
	public static final Duration DEFAULT_READ_TIMEOUT = null;

	/** Default {@link #writeTimeout()}: none. */
	public static final Duration DEFAULT_WRITE_TIMEOUT = null;

	/** Default {@link #idleTimeout()}: none. */
	public static final Duration DEFAULT_IDLE_TIMEOUT = null;

	/** The defaults. */
	public static final BufferedConnectionSettings DEFAULTS = new BufferedConnectionSettings(DEFAULT_READ_BUFFER_SIZE,
			DEFAULT_READ_HIGH_WATERMARK, DEFAULT_WRITE_LOW_WATERMARK, DEFAULT_WRITE_HIGH_WATERMARK,
			DEFAULT_READ_TIMEOUT, DEFAULT_WRITE_TIMEOUT, DEFAULT_IDLE_TIMEOUT);

	/**
	 * Create settings without an idle timeout.
	 * @param readBufferSize size of each pooled segment
	 * @param readHighWatermark stop reading while the input holds this many bytes; 0 for no
	 * limit
	 * @param writeLowWatermark {@link BufferedHandler#onWrite} fires at or below this
	 * @param writeHighWatermark {@link BufferedConnection#isWritable()} is {@code false}
	 * above this
	 * @param readTimeout the read timeout, {@code null} or zero for none
	 * @param writeTimeout the write timeout, {@code null} or zero for none
	 */
	public BufferedConnectionSettings(int readBufferSize, int readHighWatermark, int writeLowWatermark,
			int writeHighWatermark, Duration readTimeout, Duration writeTimeout) {
		this(readBufferSize, readHighWatermark, writeLowWatermark, writeHighWatermark, readTimeout, writeTimeout,
				DEFAULT_IDLE_TIMEOUT);
	}

	/**
	 * Check the settings and turn a zero timeout into {@code null}.
	 */
	public BufferedConnectionSettings {
		if (readBufferSize < 64) {
			throw new IllegalArgumentException("'readBufferSize' must be at least 64, not " + readBufferSize);
		}
		if (readHighWatermark < 0) {
			throw new IllegalArgumentException("'readHighWatermark' must not be negative, not " + readHighWatermark);
		}
		if (writeLowWatermark < 0 || writeHighWatermark < writeLowWatermark) {
			throw new IllegalArgumentException("'writeLowWatermark' (" + writeLowWatermark
					+ ") must be between 0 and 'writeHighWatermark' (" + writeHighWatermark + ")");
		}
		readTimeout = checkTimeout("readTimeout", readTimeout);
		writeTimeout = checkTimeout("writeTimeout", writeTimeout);
		idleTimeout = checkTimeout("idleTimeout", idleTimeout);
	}

	/**
	 * Return a copy with another segment size.
	 * @param readBufferSize the segment size
	 * @return new settings
	 */
	public BufferedConnectionSettings withReadBufferSize(int readBufferSize) {
		return new BufferedConnectionSettings(readBufferSize, this.readHighWatermark, this.writeLowWatermark,
				this.writeHighWatermark, this.readTimeout, this.writeTimeout, this.idleTimeout);
	}

	/**
	 * Return a copy with another read high watermark.
	 * @param readHighWatermark the watermark, 0 for none
	 * @return new settings
	 */
	public BufferedConnectionSettings withReadHighWatermark(int readHighWatermark) {
		return new BufferedConnectionSettings(this.readBufferSize, readHighWatermark, this.writeLowWatermark,
				this.writeHighWatermark, this.readTimeout, this.writeTimeout, this.idleTimeout);
	}

	/**
	 * Return a copy with other write watermarks.
	 * @param low the low watermark
	 * @param high the high watermark
	 * @return new settings
	 */
	public BufferedConnectionSettings withWriteWatermarks(int low, int high) {
		return new BufferedConnectionSettings(this.readBufferSize, this.readHighWatermark, low, high, this.readTimeout,
				this.writeTimeout, this.idleTimeout);
	}

	/**
	 * Return a copy with other read and write timeouts and the same idle timeout.
	 * @param readTimeout the read timeout, {@code null} or zero for none
	 * @param writeTimeout the write timeout, {@code null} or zero for none
	 * @return new settings
	 */
	public BufferedConnectionSettings withTimeouts(Duration readTimeout, Duration writeTimeout) {
		return new BufferedConnectionSettings(this.readBufferSize, this.readHighWatermark, this.writeLowWatermark,
				this.writeHighWatermark, readTimeout, writeTimeout, this.idleTimeout);
	}

	/**
	 * Return a copy with another idle timeout.
	 * @param idleTimeout the idle timeout, {@code null} or zero for none
	 * @return new settings
	 */
	public BufferedConnectionSettings withIdleTimeout(Duration idleTimeout) {
		return new BufferedConnectionSettings(this.readBufferSize, this.readHighWatermark, this.writeLowWatermark,
				this.writeHighWatermark, this.readTimeout, this.writeTimeout, idleTimeout);
	}

	private static Duration checkTimeout(String name, Duration timeout) {
		if (timeout == null || timeout.isZero()) {
			return null;
		}
		if (timeout.isNegative()) {
			throw new IllegalArgumentException("'" + name + "' must not be negative, not " + timeout);
		}
		return timeout;
	}

}
