package io.connlistener.framing;

import java.nio.ByteBuffer;
import java.time.Duration;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.buffer.ConnectionBuffer;
import io.connlistener.buffer.ConnectionEvent;
import io.connlistener.loop.ScheduledTask;

/**
 * A {@link BufferedHandler} that cuts the input of its connection into frames and hands each
 * whole frame to a {@link FrameHandler}, on the loop: libevent's bufferevent with a frame
 * decoder in front of the read callback. One per connection, since it remembers the frame in
 * progress.
 * <p>
 * Bounded by default. A frame known to exceed {@link FramingSettings#maxFrameSize()} closes
 * the connection at once, without reading further, and so does a frame that cannot fit the
 * connection's {@linkplain io.connlistener.buffer.BufferedConnectionSettings#readHighWatermark()
 * read high watermark}, which should therefore be at least
 * {@link FramingSettings#maxEncodedFrameSize()}; bytes the protocol forbids close it too. A
 * started frame that does not complete within {@link FramingSettings#frameTimeout()} closes
 * the connection: one timer per connection, armed when a frame is left incomplete and rearmed
 * for the time that remains when it fires early, never a task per frame. The frame handler
 * hears of each of these through {@link FrameHandler#onFramingFailure} just before.
 * <p>
 * A frame handler with work that may block {@linkplain #suspend suspends} the frames, hands
 * the work off, and {@linkplain #resume resumes} when it is done: frames of one connection
 * then reach it one at a time and in order, and pipelined frames wait in the input, which the
 * read high watermark bounds.
 * <p>
 * Callbacks and {@link #suspend} run on the loop thread; {@link #resume} may be called from
 * any thread.
 */
public final class FramedHandler implements BufferedHandler {

	private final FrameHandler handler;

	private final FrameDecoder decoder;

	private final FrameEncoder encoder;

	private final Duration frameTimeout;

	private final long frameTimeoutNanos;

	private final Runnable frameTimerTask = this::frameTimerFired;

	private final Runnable resumeTask = this::resumeOnLoop;

	private BufferedConnection connection;

	/** Whether frames are held back. */
	private boolean suspended;

	/** Whether reading was disabled because bytes arrived while frames were held back. */
	private boolean readPaused;

	/** Whether frames are being handed on, so that a resume from a frame handler does not recurse. */
	private boolean delivering;

	/** Whether end of stream arrived while frames were held back. */
	private boolean eofPending;

	/** Whether a frame is in progress, started at {@link #frameStart}. */
	private boolean frameTimed;

	private long frameStart;

	private ScheduledTask frameTimer;

	/**
	 * Create a handler for one connection.
	 * @param settings the framing
	 * @param handler what gets the frames
	 */
	public FramedHandler(FramingSettings settings, FrameHandler handler) {
		Objects.requireNonNull(settings, "'settings' must not be null");
		Objects.requireNonNull(handler, "'handler' must not be null");
		this.handler = handler;
		this.decoder = Framing.decoder(settings);
		this.encoder = Framing.encoder(settings);
		this.frameTimeout = settings.frameTimeout();
		this.frameTimeoutNanos = settings.frameTimeout().toNanos();
	}

	/**
	 * Return the encoder of the framing, to frame replies into the connection's output.
	 * @return the encoder
	 */
	public FrameEncoder encoder() {
		return this.encoder;
	}

	/**
	 * Stop handing frames on and stop reading the socket: frames already buffered stay
	 * buffered, and the frame timeout does not run meanwhile, since the client is not the one
	 * that is slow. Reading stops as soon as more bytes arrive, so a suspend while the peer
	 * waits costs no change of the socket's interest. End of stream, when it arrives meanwhile,
	 * is told once the frames before it were handed on. Idempotent. Loop thread only.
	 * @param connection the connection
	 */
	public void suspend(BufferedConnection connection) {
		this.suspended = true;
		this.frameTimed = false;
	}

	/**
	 * Hand on the frames already buffered, then read again unless suspended anew. Has no
	 * effect unless suspended. May be called from any thread: the work is handed to the loop.
	 * @param connection the connection
	 */
	public void resume(BufferedConnection connection) {
		Objects.requireNonNull(connection, "'connection' must not be null");
		if (connection.loop().inEventLoop()) {
			resumeOnLoop();
			return;
		}
		try {
			connection.loop().execute(this.resumeTask);
		}
		catch (RejectedExecutionException ex) {
			// The loop is closed, and so is the connection.
		}
	}

	@Override
	public void onOpen(BufferedConnection connection) {
		this.connection = connection;
		connection.onClose(this::cancelFrameTimer);
		this.handler.onOpen(connection);
	}

	@Override
	public void onRead(BufferedConnection connection) {
		if (this.suspended) {
			if (!this.readPaused) {
				this.readPaused = true;
				connection.disableRead();
			}
			return;
		}
		deliver(connection);
	}

	@Override
	public void onWrite(BufferedConnection connection) {
		this.handler.onWrite(connection);
	}

	@Override
	public void onEvent(BufferedConnection connection, ConnectionEvent event) {
		if (event == ConnectionEvent.EOF && this.suspended) {
			this.eofPending = true;
			return;
		}
		this.handler.onEvent(connection, event);
	}

	private void deliver(BufferedConnection connection) {
		ConnectionBuffer input = connection.input();
		boolean delivered = false;
		this.delivering = true;
		try {
			while (!this.suspended) {
				ByteBuffer frame;
				try {
					frame = this.decoder.next(input);
				}
				catch (FrameTooLargeException ex) {
					fail(connection, FramingFailure.FRAME_TOO_LARGE);
					return;
				}
				catch (MalformedFrameException ex) {
					fail(connection, FramingFailure.MALFORMED_FRAME);
					return;
				}
				if (frame == null) {
					break;
				}
				delivered = true;
				this.handler.onFrame(connection, frame);
				if (!connection.isOpen()) {
					return;
				}
			}
		}
		finally {
			this.delivering = false;
		}
		if (this.suspended) {
			return;
		}
		if (this.decoder.frameStarted(input)) {
			int watermark = connection.settings().readHighWatermark();
			if (watermark > 0 && input.readableBytes() >= watermark) {
				// Reading stays paused by the watermark, and the frame can never complete.
				fail(connection, FramingFailure.FRAME_TOO_LARGE);
				return;
			}
			startFrameTimer(connection, delivered);
		}
		else {
			this.frameTimed = false;
		}
		if (this.readPaused) {
			this.readPaused = false;
			connection.enableRead();
		}
		if (this.eofPending) {
			this.eofPending = false;
			this.handler.onEvent(connection, ConnectionEvent.EOF);
		}
	}

	private void resumeOnLoop() {
		if (!this.suspended) {
			return;
		}
		this.suspended = false;
		if (!this.delivering) {
			// Through the connection, so that a frame handler that throws is counted and closed.
			this.connection.triggerRead();
		}
	}

	private void startFrameTimer(BufferedConnection connection, boolean newFrame) {
		if (!this.frameTimed || newFrame) {
			this.frameTimed = true;
			this.frameStart = System.nanoTime();
		}
		if (this.frameTimer == null) {
			this.frameTimer = connection.loop().schedule(this.frameTimeout, this.frameTimerTask);
		}
	}

	private void frameTimerFired() {
		this.frameTimer = null;
		BufferedConnection connection = this.connection;
		if (!this.frameTimed || this.suspended || !connection.isOpen()) {
			return;
		}
		long elapsed = System.nanoTime() - this.frameStart;
		if (elapsed >= this.frameTimeoutNanos) {
			fail(connection, FramingFailure.FRAME_TIMEOUT);
		}
		else {
			this.frameTimer = connection.loop()
				.schedule(Duration.ofNanos(this.frameTimeoutNanos - elapsed), this.frameTimerTask);
		}
	}

	private void cancelFrameTimer() {
		this.frameTimed = false;
		if (this.frameTimer != null) {
			this.frameTimer.cancel();
			this.frameTimer = null;
		}
	}

	private void fail(BufferedConnection connection, FramingFailure failure) {
		try {
			this.handler.onFramingFailure(connection, failure);
		}
		finally {
			connection.close();
		}
	}

	@Override
	public String toString() {
		return "FramedHandler[" + this.handler + "]";
	}

}
