package io.connlistener.benchmarks;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * What one flood against one peer gave: as a {@link LoadResult} (operations the connects
 * echoed, seconds from the first connect to the end of the last, latency from a connect to
 * its echo, errors those refused, reset, closed early or timed out, CPU over that time), the
 * latency of the connects alone, the kernel's listen queue counters over the flood, and the
 * connects still open when the flood's time ran out.
 *
 * @param load the flood as a load
 * @param connectLatency nanoseconds from a connect to its socket's establishment, as the
 * client sees it
 * @param listenQueue what {@code ListenOverflows} and {@code ListenDrops} grew by
 * @param timedOut connects not done within the flood's time bound (counted as errors too)
 */
public record FloodResult(LoadResult load, Histogram connectLatency, ListenQueueCounters listenQueue, long timedOut) {

	/**
	 * Return a percentile of the connect latency in microseconds.
	 * @param percentile for example 99
	 * @return microseconds, or {@code NaN} if nothing was recorded
	 */
	public double connectMicros(double percentile) {
		if (this.connectLatency.getTotalCount() == 0) {
			return Double.NaN;
		}
		return this.connectLatency.getValueAtPercentile(percentile) / (double) TimeUnit.MICROSECONDS.toNanos(1);
	}

}
