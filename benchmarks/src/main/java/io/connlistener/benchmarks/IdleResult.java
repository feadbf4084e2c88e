package io.connlistener.benchmarks;

/**
 * Memory of a peer with no connections and with the connections of an {@code idle}
 * scenario, each read after a full garbage collection.
 *
 * @param established connections open and served while measuring
 * @param failed connections that failed or timed out while opening
 * @param baselineResident resident set size with no connections, bytes
 * @param loadedResident resident set size with the connections, bytes
 * @param baselineHeap heap used with no connections, bytes, or -1 if unknown
 * @param loadedHeap heap used with the connections, bytes, or -1 if unknown
 */
public record IdleResult(int established, int failed, long baselineResident, long loadedResident, long baselineHeap,
		long loadedHeap) {

	/**
	 * Return resident memory per connection above the baseline.
	 * @return bytes, or {@code NaN} if unknown
	 */
	public double residentPerConnection() {
		return perConnection(this.baselineResident, this.loadedResident);
	}

	/**
	 * Return heap per connection above the baseline.
	 * @return bytes, or {@code NaN} if unknown
	 */
	public double heapPerConnection() {
		return perConnection(this.baselineHeap, this.loadedHeap);
	}

	private double perConnection(long baseline, long loaded) {
		if (this.established == 0 || baseline < 0 || loaded < 0) {
			return Double.NaN;
		}
		return (loaded - baseline) / (double) this.established;
	}

}
