package io.connlistener.framing;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.function.BiConsumer;

import io.connlistener.buffer.BufferedConnection;

/**
 * A {@link FrameHandler} that records what it gets and answers each frame with {@code OK}
 * and the frame, framed by its {@link FramedHandler}, then does what the test asks. Serves one
 * connection at a time.
 */
class RecordingFrameHandler implements FrameHandler {

	final BlockingQueue<String> frames = new LinkedBlockingQueue<>();

	final BlockingQueue<FramingFailure> failures = new LinkedBlockingQueue<>();

	final CountDownLatch opened = new CountDownLatch(1);

	final CountDownLatch closed = new CountDownLatch(1);

	/** Bytes the input held each time a frame or a failure was handed on, largest first seen. */
	volatile int largestInput;

	volatile BufferedConnection connection;

	volatile long closedAt;

	private final BiConsumer<RecordingFrameHandler, BufferedConnection> onFrame;

	FramedHandler framed;

	RecordingFrameHandler() {
		this((handler, connection) -> {
		});
	}

	RecordingFrameHandler(BiConsumer<RecordingFrameHandler, BufferedConnection> onFrame) {
		this.onFrame = onFrame;
	}

	static FramedHandler framed(FramingSettings settings, RecordingFrameHandler handler) {
		FramedHandler framed = new FramedHandler(settings, handler);
		handler.framed = framed;
		return framed;
	}

	@Override
	public void onOpen(BufferedConnection connection) {
		this.connection = connection;
		connection.onClose(() -> {
			this.closedAt = System.nanoTime();
			this.closed.countDown();
		});
		this.opened.countDown();
	}

	@Override
	public void onFrame(BufferedConnection connection, ByteBuffer frame) {
		noteInput(connection);
		String text = StandardCharsets.ISO_8859_1.decode(frame).toString();
		this.frames.add(text);
		this.framed.encoder().encode(StandardCharsets.ISO_8859_1.encode("OK " + text), connection.output());
		this.onFrame.accept(this, connection);
	}

	@Override
	public void onFramingFailure(BufferedConnection connection, FramingFailure failure) {
		noteInput(connection);
		this.failures.add(failure);
	}

	private void noteInput(BufferedConnection connection) {
		this.largestInput = Math.max(this.largestInput, connection.input().readableBytes());
	}

}
