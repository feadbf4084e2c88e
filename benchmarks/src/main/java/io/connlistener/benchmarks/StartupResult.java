package io.connlistener.benchmarks;

/**
 * One fresh start of a {@link StartupPeer}.
 *
 * @param millis time from the spawn of its process to its first echoed byte
 * @param cpuSeconds CPU time the process had used by then, or {@code NaN} if unknown
 */
public record StartupResult(double millis, double cpuSeconds) {

}
