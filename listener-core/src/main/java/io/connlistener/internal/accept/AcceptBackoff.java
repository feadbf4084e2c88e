package io.connlistener.internal.accept;

import java.time.Duration;

/**
 * The pause after a failed accept: starts at the initial delay, doubles with every failure
 * in a row up to the maximum, and starts over after a success. Used on the loop thread only.
 */
final class AcceptBackoff {

	private final long initialNanos;

	private final long maxNanos;

	private long nextNanos;

	private int failuresInRow;

	private long episodeStart;

	AcceptBackoff(Duration initial, Duration max) {
		this.initialNanos = initial.toNanos();
		this.maxNanos = Math.max(this.initialNanos, max.toNanos());
		this.nextNanos = this.initialNanos;
	}

	/**
	 * Record a failure and return how long to pause.
	 */
	long failed() {
		if (this.failuresInRow++ == 0) {
			this.episodeStart = System.nanoTime();
		}
		long pause = this.nextNanos;
		this.nextNanos = Math.min(this.maxNanos, this.nextNanos * 2);
		return pause;
	}

	/**
	 * Record a success; return how many failures in a row it ends (zero if none).
	 */
	int succeeded() {
		int ended = this.failuresInRow;
		if (ended != 0) {
			this.failuresInRow = 0;
			this.nextNanos = this.initialNanos;
		}
		return ended;
	}

	boolean inEpisode() {
		return this.failuresInRow != 0;
	}

	long episodeNanos() {
		return System.nanoTime() - this.episodeStart;
	}

}
