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
 * Floods one peer with a {@link Scenario.Kind#FLOOD flood} scenario's connects from one or
 * more {@link FloodWorker} threads, and measures, from the first connect to the end of the
 * last, the connects echoed per second, their latency, the errors, the CPU time of this
 * process and of the peer, and the kernel's listen queue counters.
 * <p>
 * Bounded: every flood has its fixed count of connects and ends within its time bound,
 * whatever the peer does. Thread-safe: each call has its own threads.
 */
final class FloodClient {

	/** Longest a flood may take: connects the kernel dropped are retried after 1 s, 3 s, 7 s... */
	static final Duration TIME_BOUND = Duration.ofSeconds(60);

	/** File descriptors of this process kept out of a flood's reach. */
	private static final int SPARE_FILES = 1024;

	/** Most connects in flight at once, for all threads together. */
	private static final int MAX_IN_FLIGHT = 10_000;

	private static final com.sun.management.OperatingSystemMXBean os = (com.sun.management.OperatingSystemMXBean) ManagementFactory
		.getOperatingSystemMXBean();

	private final int threads;

	private final Duration timeBound;

	/**
	 * Create a flood client.
	 * @param threads number of NIO threads, 1 or more
	 * @param timeBound how long a flood may take at most
	 */
	FloodClient(int threads, Duration timeBound) {
		if (threads < 1) {
			throw new IllegalArgumentException("'threads' must be at least 1, not " + threads);
		}
		this.threads = threads;
		this.timeBound = timeBound;
	}

	/**
	 * Return how many connects may be in flight at once: {@value #MAX_IN_FLIGHT}, or fewer
	 * if the open files limit leaves less room.
	 * @param openFilesLimit this process's limit ({@code ulimit -n})
	 * @return the number, at least 1
	 */
	static int maxInFlight(long openFilesLimit) {
		return (int) Math.max(1, Math.min(MAX_IN_FLIGHT, openFilesLimit - SPARE_FILES));
	}

	/**
	 * Run a flood.
	 * @param scenario a flood scenario
	 * @param target the peer's loopback address
	 * @param serverCpuNanos reads the peer's CPU time
	 * @return the measurements
	 * @throws IOException if a flood thread failed or did not stop
	 * @throws InterruptedException if interrupted while waiting
	 */
	FloodResult run(Scenario scenario, InetSocketAddress target, LongSupplier serverCpuNanos)
			throws IOException, InterruptedException {
		if (scenario.kind() != Scenario.Kind.FLOOD) {
			throw new IllegalArgumentException("Not a flood: " + scenario);
		}
		int threadCount = Math.min(this.threads, scenario.connections());
		int inFlight = Math.max(1, maxInFlight(MachineInfo.openFilesLimit()) / threadCount);
		ListenQueueCounters queueFrom = ListenQueueCounters.read();
		long clientFrom = os.getProcessCpuTime();
		long serverFrom = serverCpuNanos.getAsLong();
		long[] machineFrom = MachineInfo.cpuTicks();
		long start = System.nanoTime();
		long deadline = start + this.timeBound.toNanos();
		List<FloodWorker> workers = new ArrayList<>(threadCount);
		List<Thread> started = new ArrayList<>(threadCount);
		for (int i = 0; i < threadCount; i++) {
			int share = scenario.connections() / threadCount + ((i < scenario.connections() % threadCount) ? 1 : 0);
			FloodWorker worker = new FloodWorker(target, scenario.size(), share, inFlight, deadline);
			Thread thread = new Thread(worker, "flood-" + (i + 1));
			thread.setDaemon(true);
			workers.add(worker);
			started.add(thread);
			thread.start();
		}
		try {
			for (Thread thread : started) {
				// Each stops by the deadline; the extra time is for its last pass and its closes.
				thread.join(TimeUnit.NANOSECONDS.toMillis(deadline - System.nanoTime()) + 30_000);
				if (thread.isAlive()) {
					throw new IOException(thread.getName() + " did not stop within 30 s of the flood's time bound");
				}
			}
		}
		finally {
			started.forEach(Thread::interrupt);
		}
		long end = workers.stream().mapToLong(FloodWorker::lastEnded).max().orElse(0);
		long clientCpu = os.getProcessCpuTime() - clientFrom;
		long serverCpu = serverCpuNanos.getAsLong() - serverFrom;
		long[] machineTo = MachineInfo.cpuTicks();
		ListenQueueCounters queue = ListenQueueCounters.read().since(queueFrom);
		double busyCores = (machineFrom[1] < 0 || machineTo[1] <= machineFrom[1]) ? Double.NaN
				: MachineInfo.onlineProcessors() * (machineTo[0] - machineFrom[0])
						/ (double) (machineTo[1] - machineFrom[1]);
		double seconds = ((end > start) ? end - start : System.nanoTime() - start) / 1e9;
		return merge(workers, seconds, clientCpu, serverFrom < 0 ? -1 : serverCpu, busyCores, queue);
	}

	private FloodResult merge(List<FloodWorker> workers, double seconds, long clientCpu, long serverCpu,
			double busyCores, ListenQueueCounters queue) throws IOException {
		Histogram echo = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
		Histogram connect = new Histogram(TimeUnit.SECONDS.toNanos(60), 3);
		long completed = 0;
		long errors = 0;
		long timedOut = 0;
		long threadCpu = 0;
		for (FloodWorker worker : workers) {
			if (worker.failure() != null) {
				throw new IOException("Flood thread failed: " + worker.failure().getMessage(), worker.failure());
			}
			echo.add(worker.echoLatency());
			connect.add(worker.connectLatency());
			completed += worker.completed();
			errors += worker.errors() + worker.timedOut();
			timedOut += worker.timedOut();
			threadCpu += worker.cpuNanos();
		}
		LoadResult load = new LoadResult(completed, seconds, echo, errors, clientCpu / 1e9, threadCpu / 1e9,
				(serverCpu < 0) ? Double.NaN : serverCpu / 1e9, busyCores);
		return new FloodResult(load, connect, queue, timedOut);
	}

}
