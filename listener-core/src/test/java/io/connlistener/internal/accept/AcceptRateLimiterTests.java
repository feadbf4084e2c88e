package io.connlistener.internal.accept;

import java.time.Duration;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

class AcceptRateLimiterTests {

	private long now = 1_000_000_000L;

	@Test
	void fullBucketAdmitsTheBurstThenOneTokenPerInterval() {
		AcceptRateLimiter limiter = new AcceptRateLimiter(5, 3, () -> this.now);
		assertThat(acquired(limiter, 10)).isEqualTo(3);
		advance(Duration.ofMillis(199));
		assertThat(limiter.tryAcquire()).isFalse();
		advance(Duration.ofMillis(1));
		assertThat(limiter.tryAcquire()).isTrue();
		assertThat(limiter.tryAcquire()).isFalse();
	}

	@Test
	void quietPeriodRefillsNoMoreThanTheBurst() {
		AcceptRateLimiter limiter = new AcceptRateLimiter(5, 3, () -> this.now);
		acquired(limiter, 3);
		advance(Duration.ofHours(1));
		assertThat(acquired(limiter, 10)).isEqualTo(3);
	}

	@Test
	void refusedAttemptsDoNotDelayTheNextToken() {
		AcceptRateLimiter limiter = new AcceptRateLimiter(5, 1, () -> this.now);
		assertThat(limiter.tryAcquire()).isTrue();
		for (int i = 0; i < 19; i++) {
			advance(Duration.ofMillis(10));
			assertThat(limiter.tryAcquire()).isFalse();
		}
		advance(Duration.ofMillis(10));
		assertThat(limiter.tryAcquire()).isTrue();
	}

	@Test
	void fractionalRateAdmitsLessThanOnePerSecond() {
		AcceptRateLimiter limiter = new AcceptRateLimiter(0.5, 1, () -> this.now);
		assertThat(limiter.tryAcquire()).isTrue();
		advance(Duration.ofMillis(1999));
		assertThat(limiter.tryAcquire()).isFalse();
		advance(Duration.ofMillis(1));
		assertThat(limiter.tryAcquire()).isTrue();
	}

	@Test
	void hugeBurstDoesNotOverflow() {
		AcceptRateLimiter limiter = new AcceptRateLimiter(0.001, Integer.MAX_VALUE, () -> this.now);
		advance(Duration.ofDays(365));
		assertThat(acquired(limiter, 1000)).isEqualTo(1000);
	}

	private void advance(Duration duration) {
		this.now += duration.toNanos();
	}

	private static int acquired(AcceptRateLimiter limiter, int attempts) {
		int acquired = 0;
		for (int i = 0; i < attempts; i++) {
			if (limiter.tryAcquire()) {
				acquired++;
			}
		}
		return acquired;
	}

}
