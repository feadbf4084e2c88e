package io.connlistener.buffer;

import java.io.IOException;
import java.nio.channels.ReadableByteChannel;
import java.nio.channels.SelectionKey;

import io.connlistener.tls.TlsChannel;

/**
 * The reading direction of a {@link BufferedConnection}: reads the socket into the input
 * and hands it to {@link BufferedHandler#onRead}. The socket is read while reading is
 * {@linkplain #enable enabled} (by the handler; a read timeout disables it), the connection
 * {@linkplain ConnectionState#reads() reads in its state}, and the input holds less than the
 * read high watermark.
 * <p>
 * Loop thread only.
 */
final class ReadSide implements BufferListener {

	/** Reads from the socket per readiness at most, so that one connection cannot starve the loop. */
	private static final int MAX_READS_PER_WAKEUP = 16;

	private final BufferedSocket socket;

	/** The socket, or the TLS channel over it. */
	private final ReadableByteChannel channel;

	/** The TLS channel, or {@code null} for a plain connection. */
	private final TlsChannel tls;

	private final HandlerCalls calls;

	private final ConnectionTimeouts timeouts;

	private final ConnectionBuffer input;

	private final int highWatermark;

	private boolean enabled = true;

	ReadSide(BufferedSocket socket, ReadableByteChannel channel, TlsChannel tls, BufferPool pool, int highWatermark,
			HandlerCalls calls, ConnectionTimeouts timeouts) {
		this.socket = socket;
		this.channel = channel;
		this.tls = tls;
		this.calls = calls;
		this.timeouts = timeouts;
		this.input = new ConnectionBuffer(pool, this);
		this.highWatermark = highWatermark;
	}

	ConnectionBuffer buffer() {
		return this.input;
	}

	/**
	 * Return whether the socket should be watched for reading now.
	 * @return {@code true} if enabled, in a state that reads, and below the watermark
	 */
	boolean wanted() {
		return this.enabled && this.socket.state().reads() && !isPausedByWatermark();
	}

	void enable(boolean enabled) {
		this.enabled = enabled;
	}

	/**
	 * Read what the socket holds and hand it to the handler, then tell the connection of the
	 * end of the stream or a failure.
	 * @return whether anything arrived: bytes, the end of the stream or a failure
	 */
	boolean read() {
		int total = 0;
		boolean ended = false;
		IOException failure = null;
		long received = receivedOnSocket();
		try {
			for (int reads = 0; reads < MAX_READS_PER_WAKEUP; reads++) {
				int count = this.input.readFrom(this.channel);
				if (count < 0) {
					ended = true;
					break;
				}
				total += count;
				if (isPausedByWatermark()) {
					break;
				}
				if ((count == 0 || !this.input.isLastSegmentFull())
						&& (this.tls == null || !this.tls.hasBufferedInput())) {
					// The socket has nothing more now; over TLS, nor has the channel.
					break;
				}
			}
		}
		catch (IOException ex) {
			failure = ex;
		}
		// Over TLS, part of a record is progress too, although it gives no plaintext yet.
		long moved = (this.tls != null) ? receivedOnSocket() - received : total;
		boolean progressed = moved > 0;
		if (progressed) {
			this.socket.received(moved);
			this.timeouts.read();
		}
		if (total > 0) {
			this.calls.onRead();
			if (this.socket.state() == ConnectionState.FREED) {
				return true;
			}
		}
		if (failure != null) {
			this.socket.fail(failure);
		}
		else if (ended) {
			this.socket.endOfStream();
		}
		else if (this.tls != null && total == 0) {
			// Records without plaintext may have queued an answer, or left more records behind.
			this.socket.updateInterest();
		}
		return progressed || ended || failure != null;
	}

	void free() {
		this.input.free();
	}

	@Override
	public void added() {
		// Bytes the handler put back: they wait for it, as the ones read do.
	}

	@Override
	public void consumed() {
		// Perhaps below the watermark again; a callback that returns sees to it itself.
		if (!this.calls.inCallback() && !this.socket.isWatching(SelectionKey.OP_READ)) {
			this.socket.updateInterest();
		}
	}

	private long receivedOnSocket() {
		return (this.tls != null) ? this.tls.socketBytesRead() : 0;
	}

	private boolean isPausedByWatermark() {
		return this.highWatermark > 0 && this.input.readableBytes() >= this.highWatermark;
	}

}
