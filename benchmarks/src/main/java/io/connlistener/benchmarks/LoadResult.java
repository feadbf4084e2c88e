package io.connlistener.benchmarks;

import java.util.concurrent.TimeUnit;

import org.HdrHistogram.Histogram;

/**
 * What one measured run of a scenario against one peer gave.
 *
 * @param operations round trips (echo) or connect-echo-close cycles (churn) completed in the
 * window
 * @param seconds length of the measured window
 * @param latency nanoseconds per round trip or cycle
 * @param errors connections that failed or were refused
 * @param clientCpuSeconds CPU time the whole harness process used in the window
 * @param clientThreadCpuSeconds CPU time the load threads used in the window
 * @param serverCpuSeconds CPU time the peer process used in the window
 * @param machineBusyCores cores the whole machine kept busy in the window, on average,
 * kernel included, or {@code NaN} if unknown
 */
public record LoadResult(long operations, double seconds, Histogram latency, long errors, double clientCpuSeconds,
		double clientThreadCpuSeconds, double serverCpuSeconds, double machineBusyCores) {

	/**
	 * Return operations per second.
	 * @return the rate
	 */
	public double rate() {
		return (this.seconds > 0) ? this.operations / this.seconds : 0;
	}

	/**
	 * Return a latency percentile in microseconds.
	 * @param percentile for example 99.9
	 * @return microseconds, or {@code NaN} if nothing was recorded
	 */
	public double latencyMicros(double percentile) {
		if (this.latency.getTotalCount() == 0) {
			return Double.NaN;
		}
		return this.latency.getValueAtPercentile(percentile) / (double) TimeUnit.MICROSECONDS.toNanos(1);
	}

	/**
	 * Return the harness's CPU use in the window, as a share of one core.
	 * @return for example 0.8 for 80 % of a core
	 */
	public double clientCpuShare() {
		return (this.seconds > 0) ? this.clientCpuSeconds / this.seconds : 0;
	}

	/**
	 * Return the peer's CPU use in the window, as a share of one core.
	 * @return for example 1.0 for a whole core
	 */
	public double serverCpuShare() {
		return (this.seconds > 0) ? this.serverCpuSeconds / this.seconds : 0;
	}

	/**
	 * Return the peer's CPU time per operation in the window.
	 * @return microseconds, or {@code NaN} if unknown or nothing was done
	 */
	public double serverCpuMicrosPerOperation() {
		return (this.operations > 0) ? this.serverCpuSeconds * 1e6 / this.operations : Double.NaN;
	}

	/**
	 * Return the harness's CPU time per operation in the window.
	 * @return microseconds, or {@code NaN} if nothing was done
	 */
	public double clientCpuMicrosPerOperation() {
		return (this.operations > 0) ? this.clientCpuSeconds * 1e6 / this.operations : Double.NaN;
	}

}
