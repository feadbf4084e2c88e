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
 * One thread of the load generator: a selector with its share of the connections of an
 * {@code echo}, {@code churn} or TLS scenario. Everything before {@code measureFrom} is warm-up;
 * everything from {@code measureFrom} to {@code stopAt} is counted and recorded; at
 * {@code stopAt} it closes its connections and returns.
 * <p>
 * Not thread-safe: {@link #run()} runs on one thread; read the results after joining it.
 */
final class LoadWorker implements Runnable {

	/** A worker gives up after this many failed connections, rather than spin on a dead server. */
	static final int MAX_ERRORS = 10_000;

	private static final ThreadMXBean threads = ManagementFactory.getThreadMXBean();

	private final Scenario scenario;

	private final InetSocketAddress target;

	private final int connections;

	private final long measureFrom;

	private final long stopAt;

	private final Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);

	private final TlsClient tls;

	/** Bytes that answer each message. */
	private final int replyLength;

	private final Set<LoadConnection> open = new HashSet<>();

	private int missing;

	private long operations;

	private long errors;

	private long cpuNanos;

	private volatile Throwable failure;

	LoadWorker(Scenario scenario, InetSocketAddress target, TlsClient tls, int connections, long measureFrom,
			long stopAt) {
		if (scenario.tls() && tls == null) {
			throw new IllegalArgumentException("Scenario " + scenario + " needs a TLS client");
		}
		this.scenario = scenario;
		this.tls = tls;
		this.replyLength = ClientConnection.replyLength(scenario.size(), scenario.protocol() == Protocol.FRAMED);
		this.target = target;
		this.connections = connections;
		this.measureFrom = measureFrom;
		this.stopAt = stopAt;
	}

	@Override
	public void run() {
		ByteBuffer payload = ClientConnection.payload(this.scenario.size(), this.scenario.protocol() == Protocol.FRAMED);
		long cpuFrom = -1;
		try (Selector selector = Selector.open()) {
			for (int i = 0; i < this.connections; i++) {
				connect(selector, payload);
			}
			while (!Thread.currentThread().isInterrupted()) {
				long now = System.nanoTime();
				if (cpuFrom < 0 && now >= this.measureFrom) {
					cpuFrom = threads.getCurrentThreadCpuTime();
				}
				if (now >= this.stopAt) {
					break;
				}
				while (this.missing > 0 && this.errors <= MAX_ERRORS) {
					this.missing--;
					connect(selector, payload);
				}
				long until = (now < this.measureFrom) ? this.measureFrom : this.stopAt;
				selector.select(Math.max(1, Math.min(100, TimeUnit.NANOSECONDS.toMillis(until - now) + 1)));
				Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
				while (keys.hasNext()) {
					SelectionKey key = keys.next();
					keys.remove();
					handle(selector, payload, key);
				}
				if (this.errors > MAX_ERRORS) {
					throw new IOException(this.errors + " failed connections to " + this.target);
				}
			}
			this.cpuNanos = (cpuFrom < 0) ? 0 : threads.getCurrentThreadCpuTime() - cpuFrom;
		}
		catch (IOException | RuntimeException ex) {
			this.failure = ex;
		}
		finally {
			this.open.forEach(LoadConnection::close);
			this.open.clear();
		}
	}

	private void handle(Selector selector, ByteBuffer payload, SelectionKey key) {
		LoadConnection connection = (LoadConnection) key.attachment();
		try {
			if (!key.isValid()) {
				return;
			}
			if (key.isConnectable()) {
				connection.finishConnect();
				return;
			}
			if (key.isWritable()) {
				connection.flush();
			}
			if (key.isReadable() && connection.read()) {
				complete(selector, payload, connection);
			}
		}
		catch (IOException ex) {
			this.errors++;
			this.open.remove(connection);
			connection.close();
			if (System.nanoTime() < this.stopAt) {
				connect(selector, payload);
			}
		}
	}

	private void complete(Selector selector, ByteBuffer payload, LoadConnection connection) throws IOException {
		long now = System.nanoTime();
		boolean churn = this.scenario.closesEachCycle();
		if (now >= this.measureFrom && now < this.stopAt) {
			this.latency.recordValue(Math.min(now - (churn ? connection.openedAt() : connection.sentAt()),
					this.latency.getHighestTrackableValue()));
			this.operations++;
		}
		if (!churn) {
			if (now < this.stopAt) {
				connection.send();
			}
			return;
		}
		this.open.remove(connection);
		connection.close();
		if (now < this.stopAt) {
			connect(selector, payload);
		}
	}

	private void connect(Selector selector, ByteBuffer payload) {
		try {
			this.open.add(this.scenario.tls() ? TlsClientConnection.connect(selector, this.target, payload, this.tls)
					: ClientConnection.connect(selector, this.target, payload, this.replyLength));
		}
		catch (IOException ex) {
			// Try again on the next turn of the loop, up to MAX_ERRORS.
			this.errors++;
			this.missing++;
		}
	}

	Histogram latency() {
		return this.latency;
	}

	long operations() {
		return this.operations;
	}

	long errors() {
		return this.errors;
	}

	long cpuNanos() {
		return this.cpuNanos;
	}

	Throwable failure() {
		return this.failure;
	}

}
