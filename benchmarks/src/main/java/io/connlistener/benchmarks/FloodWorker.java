package io.connlistener.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.lang.management.ThreadMXBean;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.util.HashSet;
import java.util.Iterator;
import java.util.Set;
import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * One thread of a {@link FloodClient}: a selector that makes its share of a flood's connects
 * as fast as it can, never waiting for the server before the next one (up to
 * {@code maxInFlight} at once, which only file descriptors bound); each connection sends
 * its message once connected, and closes with a reset once the whole echo is back. Stops
 * once every connect has ended, or at {@code deadline}, counting what is still open then
 * as timed out.
 * <p>
 * Not thread-safe: {@link #run()} runs on one thread; read the results after joining it.
 */
final class FloodWorker implements Runnable {

	/** Connects started between two looks at the selector. */
	private static final int BATCH = 32;

	private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private final InetSocketAddress target;

	private final int size;

	private final int connects;

	private final int maxInFlight;

	private final long deadline;

	private final Histogram connectLatency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);

	private final Histogram echoLatency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);

	private final Set<ClientConnection> open = new HashSet<>();

	private long completed;

	private long errors;

	private long timedOut;

	private long lastEnded;

	private long cpuNanos;

	private volatile Throwable failure;

	FloodWorker(InetSocketAddress target, int size, int connects, int maxInFlight, long deadline) {
		this.target = target;
		this.size = size;
		this.connects = connects;
		this.maxInFlight = maxInFlight;
		this.deadline = deadline;
	}

	@Override
	public void run() {
		long cpuFrom = threads.getCurrentThreadCpuTime();
		ByteBuffer payload = ClientConnection.payload(this.size);
		int started = 0;
		try (Selector selector = Selector.open()) {
			while ((started < this.connects || !this.open.isEmpty()) && !Thread.currentThread().isInterrupted()) {
				long now = System.nanoTime();
				if (now >= this.deadline) {
					this.timedOut = this.open.size();
					break;
				}
				for (int i = 0; i < BATCH && started < this.connects && this.open.size() < this.maxInFlight; i++) {
					started++;
					connect(selector, payload);
				}
				boolean more = started < this.connects && this.open.size() < this.maxInFlight;
				// Open loop: with connects left to start, only look at what is ready.
				int ready = more ? selector.selectNow()
						: selector.select(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(this.deadline - now))));
				if (ready == 0) {
					continue;
				}
				Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
				while (keys.hasNext()) {
					SelectionKey key = keys.next();
					keys.remove();
					handle(key);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			this.failure = ex;
		}
		finally {
			this.open.forEach(ClientConnection::close);
			this.open.clear();
			this.cpuNanos = threads.getCurrentThreadCpuTime() - cpuFrom;
		}
	}

	private void connect(Selector selector, ByteBuffer payload) {
		try {
			ClientConnection connection = ClientConnection.connect(selector, this.target, payload);
			this.open.add(connection);
			if (connection.sentAt() != 0) {
				// Connected at once: its message went out already.
				this.connectLatency.recordValue(bounded(connection.sentAt() - connection.openedAt()));
			}
		}
		catch (IOException ex) {
			this.errors++;
			this.lastEnded = System.nanoTime();
		}
	}

	private void handle(SelectionKey key) {
		ClientConnection connection = (ClientConnection) key.attachment();
		try {
			if (!key.isValid()) {
				return;
			}
			if (key.isConnectable()) {
				if (connection.finishConnect()) {
					this.connectLatency.recordValue(bounded(connection.sentAt() - connection.openedAt()));
				}
				return;
			}
			if (key.isWritable()) {
				connection.flush();
			}
			if (key.isReadable() && connection.read()) {
				long now = System.nanoTime();
				this.echoLatency.recordValue(bounded(now - connection.openedAt()));
				this.completed++;
				end(connection, now);
			}
		}
		catch (IOException ex) {
			this.errors++;
			end(connection, System.nanoTime());
		}
	}

	private void end(ClientConnection connection, long now) {
		this.open.remove(connection);
		connection.close();
		this.lastEnded = now;
	}

	private long bounded(long nanos) {
		return Math.min(nanos, this.echoLatency.getHighestTrackableValue());
	}

	Histogram connectLatency() {
		return this.connectLatency;
	}

	Histogram echoLatency() {
		return this.echoLatency;
	}

	long completed() {
		return this.completed;
	}

	long errors() {
		return this.errors;
	}

	long timedOut() {
		return this.timedOut;
	}

	/**
	 * Return when the last connection ended, echoed or failed.
	 * @return {@link System#nanoTime()} then, 0 if none did
	 */
	long lastEnded() {
		return this.lastEnded;
	}

	long cpuNanos() {
		return this.cpuNanos;
	}

	Throwable failure() {
		return this.failure;
	}

}
