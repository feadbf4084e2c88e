package io.connlistener.benchmarks;

import java.io.IOException;
import java.lang.management.ManagementFactory;
import java.net.InetSocketAddress;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.LongSupplier;

import org.HdrHistogram.Histogram;

/**
 * Drives an {@code echo}, {@code churn} or TLS scenario against one peer with one or two NIO
 * threads ({@link LoadWorker}), and measures, over the same window, the round trips, their
 * latency, and the CPU time of both this process and the peer, so that a load generator that
 * becomes the bottleneck shows.
 * <p>
 * Thread-safe: each call has its own threads.
 */
final class LoadGenerator {

	private static final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private final int threads;

	/**
	 * Create a load generator.
	 * @param threads number of NIO threads, 1 or more
	 */
	LoadGenerator(int threads) {
		if (threads < 1) {
			throw new IllegalArgumentException("'threads' must be at least 1, not " + threads);
		}
		this.threads = threads;
	}

	/**
	 * Run a scenario: connect, warm up, measure, close.
	 * @param scenario an echo or churn scenario
	 * @param target the peer's loopback address
	 * @param tls the TLS client of a TLS scenario, or {@code null}
	 * @param warmup time before the measured window
	 * @param window length of the measured window
	 * @param serverCpuNanos reads the peer's CPU time
	 * @return the measurements
	 * @throws IOException if a load thread failed
	 * @throws InterruptedException if interrupted while waiting
	 */
	LoadResult run(Scenario scenario, InetSocketAddress target, TlsClient tls, Duration warmup, Duration window,
			LongSupplier serverCpuNanos) throws IOException, InterruptedException {
		if (scenario.kind() == Scenario.Kind.IDLE) {
			throw new IllegalArgumentException("Idle scenarios are measured by IdleConnections");
		}
		int threadCount = Math.min(this.threads, scenario.connections());
		long measureFrom = System.nanoTime() + warmup.toNanos();
		long stopAt = measureFrom + window.toNanos();
		List<LoadWorker> workers = new ArrayList<>(threadCount);
		List<Thread> started = new ArrayList<>(threadCount);
		for (int i = 0; i < threadCount; i++) {
			int share = scenario.connections() / threadCount + ((i < scenario.connections() % threadCount) ? 1 : 0);
			LoadWorker worker = new LoadWorker(scenario, target, tls, share, measureFrom, stopAt);
			Thread thread = new Thread(worker, "load-" + (i + 1));
			thread.setDaemon(true);
			workers.add(worker);
			started.add(thread);
			thread.start();
		}
		try {
			sleepUntil(measureFrom);
			long clientFrom = os.getProcessCpuTime();
			long serverFrom = serverCpuNanos.getAsLong();
			long[] machineFrom = MachineInfo.cpuTicks();
			long wallFrom = System.nanoTime();
			sleepUntil(stopAt);
			long clientCpu = os.getProcessCpuTime() - clientFrom;
			long serverCpu = serverCpuNanos.getAsLong() - serverFrom;
			long[] machineTo = MachineInfo.cpuTicks();
			double busyCores = (machineFrom[1] < 0 || machineTo[1] <= machineFrom[1]) ? Double.NaN
					: MachineInfo.onlineProcessors() * (machineTo[0] - machineFrom[0])
							/ (double) (machineTo[1] - machineFrom[1]);
			double seconds = (System.nanoTime() - wallFrom) / 1e9;
			for (Thread thread : started) {
				thread.join(TimeUnit.SECONDS.toMillis(30));
				if (thread.isAlive()) {
					throw new IOException(thread.getName() + " did not stop within 30 s of the end of its window");
				}
			}
			return merge(workers, seconds, clientCpu, serverCpu, busyCores);
		}
		finally {
			started.forEach(Thread::interrupt);
		}
	}

	private LoadResult merge(List<LoadWorker> workers, double seconds, long clientCpu, long serverCpu,
			double busyCores)
			throws IOException {
		Histogram latency = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
		long operations = 0;
		long errors = 0;
		long threadCpu = 0;
		for (LoadWorker worker : workers) {
			if (worker.failure() != null) {
				throw new IOException("Load thread failed: " + worker.failure().getMessage(), worker.failure());
			}
			latency.add(worker.latency());
			operations += worker.operations();
			errors += worker.errors();
			threadCpu += worker.cpuNanos();
		}
		return new LoadResult(operations, seconds, latency, errors, clientCpu / 1e9, threadCpu / 1e9,
				(serverCpu < 0) ? Double.NaN : serverCpu / 1e9, busyCores);
	}

	private static void sleepUntil(long deadline) throws InterruptedException {
		// Timing a window, not synchronizing: the load threads run on their own clocks.
		long remaining = deadline - System.nanoTime();
		while (remaining > 0) {
			TimeUnit.NANOSECONDS.sleep(remaining);
			remaining = deadline - System.nanoTime();
		}
	}

}
