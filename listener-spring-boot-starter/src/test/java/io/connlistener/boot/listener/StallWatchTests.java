package io.connlistener.boot.listener;

import java.time.Duration;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import io.connlistener.loop.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link StallWatch}.
 */
@Timeout(30)
class StallWatchTests {

	private static final Duration TIMEOUT = Duration.ofMillis(100);

	private final EventLoop loop = new EventLoop("stall-watch-test");

	@AfterEach
	void close() {
		this.loop.close();
	}

	@Test
	void callThatWaitsForTheTimeoutStallsOnce() throws Exception {
		CountDownLatch stalled = new CountDownLatch(1);
		AtomicInteger stalls = new AtomicInteger();
		StallWatch watch = new StallWatch(this.loop, TIMEOUT, () -> {
			stalls.incrementAndGet();
			stalled.countDown();
		});
		long start = System.nanoTime();
		watch.begin();
		assertThat(stalled.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(System.nanoTime() - start).isGreaterThanOrEqualTo(TIMEOUT.toNanos());
		assertThat(watch.isStalled()).isTrue();
		// The loop runs tasks in order: once this one ran, no second stall is pending.
		awaitLoop();
		assertThat(stalls).hasValue(1);
	}

	@Test
	void callsThatReturnInTimeNeverStallAndAClosedWatchLeavesNoTimer() throws Exception {
		AtomicInteger stalls = new AtomicInteger();
		StallWatch watch = new StallWatch(this.loop, TIMEOUT, stalls::incrementAndGet);
		watch.begin();
		watch.end();
		watch.begin();
		watch.end();
		assertThat(watch.hasPendingTimer()).isTrue();
		watch.close();
		assertThat(watch.hasPendingTimer()).isFalse();
		// A later call on a closed watch schedules nothing either.
		watch.begin();
		CountDownLatch later = new CountDownLatch(1);
		this.loop.schedule(TIMEOUT.multipliedBy(3), later::countDown);
		assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(stalls).hasValue(0);
		assertThat(watch.isStalled()).isFalse();
	}

	private void awaitLoop() throws InterruptedException {
		CountDownLatch ran = new CountDownLatch(1);
		this.loop.execute(ran::countDown);
		assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
	}

}
