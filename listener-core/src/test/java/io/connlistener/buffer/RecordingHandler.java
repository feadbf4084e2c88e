package io.connlistener.buffer;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.function.Consumer;

/**
 * A test handler that echoes with backpressure (or runs a given action on open) and records
 * what happens to its connection. Callbacks run on the loop; the test thread reads the
 * records.
 */
class RecordingHandler implements BufferedHandler {

	final List<ConnectionEvent> events = new CopyOnWriteArrayList<>();

	final AtomicInteger closes = new AtomicInteger();

	final AtomicInteger maxBuffered = new AtomicInteger();

	final CountDownLatch opened = new CountDownLatch(1);

	final CountDownLatch closed = new CountDownLatch(1);

	final CountDownLatch paused = new CountDownLatch(1);

	private final Consumer<BufferedConnection> onOpen;

	volatile BufferedConnection connection;

	RecordingHandler() {
		this((connection) -> {
		});
	}

	RecordingHandler(Consumer<BufferedConnection> onOpen) {
		this.onOpen = onOpen;
	}

	@Override
	public void onOpen(BufferedConnection connection) {
		this.connection = connection;
		connection.onClose(() -> {
			this.closes.incrementAndGet();
			this.closed.countDown();
		});
		this.onOpen.accept(connection);
		this.opened.countDown();
	}

	@Override
	public void onRead(BufferedConnection connection) {
		recordBuffered(connection);
		connection.input().moveTo(connection.output());
		recordBuffered(connection);
		if (!connection.isWritable()) {
			connection.disableRead();
			this.paused.countDown();
		}
	}

	@Override
	public void onWrite(BufferedConnection connection) {
		connection.enableRead();
	}

	@Override
	public void onEvent(BufferedConnection connection, ConnectionEvent event) {
		this.events.add(event);
		connection.close();
	}

	private void recordBuffered(BufferedConnection connection) {
		int buffered = connection.input().readableBytes() + connection.output().readableBytes();
		this.maxBuffered.accumulateAndGet(buffered, Math::max);
	}

}
