package io.connlistener.buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

import io.connlistener.tls.TlsChannel;

/**
 * The writing direction of a {@link BufferedConnection}: writes the output to the socket and
 * calls {@link BufferedHandler#onWrite} once output that was pushed back, or that went over
 * the write high watermark, has drained to the write low watermark.
 * <p>
 * Loop thread only, except {@link #bufferedBytes()}. While a callback runs, added output
 * waits: the flush is {@linkplain #flushDue() due} when the callback returns, so that a
 * handler's many small writes go out together. What onWrite writes is flushed as it returns;
 * if that drains at once, the flush that called onWrite calls it again, in a loop rather
 * than from deeper and deeper in the stack.
 * <p>
 * Over TLS the output is plaintext, written to the TLS channel; records the socket has not
 * taken yet ({@link #transportPending()}) keep the side waiting for writability as queued
 * output does, and the output counts as flushed only once they are out.
 */
final class WriteSide implements BufferListener {

	private final BufferedSocket socket;

	/** The socket, or the TLS channel over it. */
	private final GatheringByteChannel channel;

	/** The TLS channel, or {@code null} for a plain connection. */
	private final TlsChannel tls;

	private final HandlerCalls calls;

	private final ConnectionTimeouts timeouts;

	private final ConnectionBuffer output;

	private final int lowWatermark;

	private final int highWatermark;

	private State state = State.IDLE;

	/** Whether onWrite is owed once the output drains to the low watermark. */
	private boolean owesOnWrite;

	/** Whether a flush is calling onWrite, and whether to call it again when it returns. */
	private boolean notifying;

	private boolean notifyAgain;

	private volatile int bufferedBytes;

	WriteSide(BufferedSocket socket, GatheringByteChannel channel, TlsChannel tls, BufferPool pool,
			BufferedConnectionSettings settings, HandlerCalls calls, ConnectionTimeouts timeouts) {
		this.socket = socket;
		this.channel = channel;
		this.tls = tls;
		this.calls = calls;
		this.timeouts = timeouts;
		this.output = new ConnectionBuffer(pool, this);
		this.lowWatermark = settings.writeLowWatermark();
		this.highWatermark = settings.writeHighWatermark();
	}

	ConnectionBuffer buffer() {
		return this.output;
	}

	/**
	 * Return how many bytes wait in the output, as last published. Any thread.
	 * @return the buffered bytes
	 */
	int bufferedBytes() {
		return this.bufferedBytes;
	}

	/**
	 * Write the bytes, straight to the socket when nothing is queued, and queue what it does
	 * not take.
	 * @param source the bytes
	 */
	void write(ByteBuffer source) {
		if (this.socket.state() == ConnectionState.FREED || !source.hasRemaining()) {
			return;
		}
		if (canWriteDirectly()) {
			// Nothing queued: skip the copy and give the bytes straight to the socket.
			long sent = sentOnSocket();
			try {
				int taken = this.channel.write(source);
				long moved = (this.tls != null) ? sentOnSocket() - sent : taken;
				if (moved > 0) {
					this.socket.sent(moved);
				}
				if (taken > 0 || moved > 0) {
					this.timeouts.wroteDirectly();
				}
			}
			catch (IOException ex) {
				this.socket.fail(ex);
				return;
			}
			if (source.hasRemaining()) {
				pushedBack();
			}
			else if (transportPending()) {
				// TLS took the bytes; their records wait for the socket.
				this.state = State.WAITING;
			}
		}
		this.output.add(source);
		if (!this.calls.inCallback()) {
			this.socket.updateInterest();
		}
	}

	boolean canWriteDirectly() {
		return this.state == State.IDLE && this.output.isEmpty() && this.socket.state().writes()
				&& this.socket.isRegistered() && !this.calls.inCallback();
	}

	/**
	 * Return whether the socket should be watched for writability now.
	 * @return {@code true} if the socket pushed back and the state writes
	 */
	boolean wantsWritability() {
		return (this.state == State.WAITING || (this.state == State.IDLE && transportPending()))
				&& this.socket.state().writes();
	}

	/**
	 * Return whether TLS records wait for the socket: of the output, or that the engine sends
	 * on its own.
	 * @return {@code false} for a plain connection
	 */
	boolean transportPending() {
		return this.tls != null && this.tls.hasPendingOutput();
	}

	void enable(boolean enable) {
		if (!enable) {
			this.state = State.DISABLED;
		}
		else if (this.state == State.DISABLED) {
			// Queued output drains through writability, as output the socket pushed back.
			this.state = this.output.isEmpty() ? State.IDLE : State.WAITING;
		}
	}

	/**
	 * Flush for {@link BufferedConnection#closeAfterFlush()}, even if writing was disabled:
	 * now, or when the socket takes bytes again, or when the running callback returns.
	 */
	void flushToClose() {
		if (this.state == State.DISABLED) {
			this.state = State.IDLE;
		}
		if (this.calls.inCallback()) {
			return;
		}
		if (this.state == State.IDLE) {
			flush();
		}
		else {
			this.socket.updateInterest();
		}
	}

	/**
	 * Return whether a flush is due as a callback returns: output queued while idle, or an
	 * output the handler emptied that something waited for.
	 * @return {@code true} if {@link #flush()} has something to do
	 */
	boolean flushDue() {
		ConnectionState lifecycle = this.socket.state();
		if (!lifecycle.writes()) {
			return false;
		}
		if (this.output.isEmpty()) {
			return this.state == State.WAITING || lifecycle.awaitsFlush();
		}
		return this.state == State.IDLE;
	}

	/**
	 * Write what the socket takes, then settle what waited for it: onWrite once drained to
	 * the low watermark, and what waited for an empty output.
	 * @return whether any byte went out
	 */
	boolean flush() {
		if (!this.socket.state().writes()) {
			return false;
		}
		boolean progressed = false;
		if (this.state != State.DISABLED && (!this.output.isEmpty() || transportPending())) {
			long sent = sentOnSocket();
			long taken = 0;
			try {
				if (this.output.isEmpty()) {
					this.tls.flush();
				}
				else {
					taken = this.output.writeTo(this.channel);
				}
			}
			catch (IOException ex) {
				publish();
				this.socket.fail(ex);
				return false;
			}
			// Over TLS, the rest of a pending record going out is progress too, although the
			// channel takes no plaintext until the whole record is out.
			long moved = (this.tls != null) ? sentOnSocket() - sent : taken;
			progressed = taken > 0 || moved > 0;
			if (moved > 0) {
				this.socket.sent(moved);
			}
			if (progressed) {
				this.timeouts.wrote();
			}
			int buffered = publish();
			if (buffered > 0) {
				pushedBack();
			}
			else {
				this.state = transportPending() ? State.WAITING : State.IDLE;
			}
			if (this.owesOnWrite && buffered <= this.lowWatermark && this.socket.state().notifies()) {
				if (this.notifying) {
					// Flushing what onWrite wrote as it returned: the flush that called it calls
					// it again and settles the rest, so a peer that takes all never deepens the stack.
					this.notifyAgain = true;
					return progressed;
				}
				notifyWritable();
				if (this.socket.state() == ConnectionState.FREED) {
					return progressed;
				}
			}
		}
		if (this.output.isEmpty() && !transportPending()) {
			if (this.state == State.WAITING) {
				this.state = State.IDLE;
			}
			this.socket.outputFlushed();
			if (this.socket.state() == ConnectionState.FREED) {
				return progressed;
			}
		}
		this.socket.updateInterest();
		return progressed;
	}

	void free() {
		this.output.free();
		this.bufferedBytes = 0;
	}

	@Override
	public void added() {
		if (publish() > this.highWatermark) {
			this.owesOnWrite = true;
		}
		// Pushed back or disabled, the bytes wait; in a callback or before registering, the
		// flush is due when it returns.
		if (this.state == State.IDLE && this.socket.state().writes() && !this.calls.inCallback()
				&& this.socket.isRegistered()) {
			flush();
		}
	}

	@Override
	public void consumed() {
		publish();
		// The handler dropped queued output: settle what waited for it to drain.
		if (this.output.isEmpty() && (this.state == State.WAITING || this.socket.state().awaitsFlush())
				&& !this.calls.inCallback()) {
			flush();
		}
	}

	private long sentOnSocket() {
		return (this.tls != null) ? this.tls.socketBytesWritten() : 0;
	}

	private void notifyWritable() {
		this.notifying = true;
		try {
			do {
				this.notifyAgain = false;
				this.owesOnWrite = false;
				this.calls.onWrite();
			}
			while (this.notifyAgain && this.socket.state().notifies());
		}
		finally {
			this.notifying = false;
		}
	}

	private void pushedBack() {
		this.state = State.WAITING;
		this.owesOnWrite = true;
	}

	private int publish() {
		int buffered = this.output.readableBytes();
		this.bufferedBytes = buffered;
		return buffered;
	}

	private enum State {

		/** The socket took every byte so far: a write goes straight to it. */
		IDLE,

		/** The socket pushed back: queued output goes out when it reports writability. */
		WAITING,

		/** Writing is disabled, by the handler or a write timeout: output is queued. */
		DISABLED

	}

}
