package io.connlistener.boot.listener.serving;

import java.time.Duration;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;

import io.connlistener.boot.testsupport.Java21Test;
import io.connlistener.boot.testsupport.TestHandlers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalStateException;
import static org.awaitility.Awaitility.await;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link HandlerThreads}: platform threads on every Java, virtual threads from
 * Spring's executor on Java 21 and later.
 */
@Timeout(30)
class HandlerThreadsTests {

	@Test
	void platformThreadsAreDaemonsNamedAfterTheListener() throws InterruptedException {
		try (HandlerThreads threads = HandlerThreads.create("blocking", 2, 2, false)) {
			assertThat(ranOn(threads)).isEqualTo("connlistener-blocking-1 platform daemon");
		}
	}

	@Test
	void anIdleThreadTakesTheNextConnectionBeforeAThreadIsAdded() throws InterruptedException {
		try (HandlerThreads threads = HandlerThreads.create("blocking", 100, 2, false)) {
			for (int i = 0; i < 20; i++) {
				assertThat(ranOn(threads)).startsWith("connlistener-blocking-1 ");
				// Idle once its task has returned: the next one must not need a thread of its own.
				await().atMost(Duration.ofSeconds(10))
					.pollDelay(Duration.ZERO)
					.pollInterval(Duration.ofMillis(2))
					.until(() -> threads.busyThreads() == 0);
			}
			assertThat(threads.threads()).isEqualTo(1);
		}
	}

	@Test
	void threadsAreAddedWhileEveryOneIsBusyUpToTheMostThenConnectionsWaitThenAreRefused()
			throws InterruptedException {
		CountDownLatch release = new CountDownLatch(1);
		CountDownLatch started = new CountDownLatch(2);
		CountDownLatch ran = new CountDownLatch(3);
		try (HandlerThreads threads = HandlerThreads.create("blocking", 2, 1, false)) {
			Runnable busy = () -> {
				started.countDown();
				try {
					release.await();
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
				}
				ran.countDown();
			};
			threads.execute(busy);
			threads.execute(busy);
			assertThat(started.await(10, TimeUnit.SECONDS)).as("both running at once").isTrue();
			assertThat(threads.threads()).isEqualTo(2);
			threads.execute(ran::countDown);
			assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> threads.execute(() -> {
			}));
			release.countDown();
			assertThat(ran.await(10, TimeUnit.SECONDS)).as("the waiting one ran too").isTrue();
			assertThat(threads.threads()).isEqualTo(2);
		}
	}

	@Java21Test
	void virtualThreadsOnJava21AndLater() throws InterruptedException {
		assertThat(HandlerThreads.virtualThreadsAvailable()).isTrue();
		try (HandlerThreads threads = HandlerThreads.create("blocking", 2, 2, true)) {
			assertThat(ranOn(threads)).isEqualTo("connlistener-blocking-1 virtual daemon");
		}
	}

	@Test
	@EnabledForJreRange(max = JRE.JAVA_20)
	void virtualThreadsAreRefusedBeforeJava21() {
		assertThat(HandlerThreads.virtualThreadsAvailable()).isFalse();
		assertThatIllegalStateException().isThrownBy(() -> HandlerThreads.create("blocking", 2, 2, true))
			.withMessage("Virtual threads need Java 21 or later");
	}

	@ParameterizedTest(name = "virtual: {0}")
	@ValueSource(booleans = { false, true })
	void closeInterruptsTheHandlersStillRunningAndRefusesMore(boolean virtual) throws InterruptedException {
		assumeTrue(!virtual || HandlerThreads.virtualThreadsAvailable(), "virtual threads need Java 21");
		HandlerThreads threads = HandlerThreads.create("blocking", 2, 2, virtual);
		CountDownLatch started = new CountDownLatch(1);
		CountDownLatch never = new CountDownLatch(1);
		CountDownLatch ended = new CountDownLatch(1);
		AtomicBoolean interrupted = new AtomicBoolean();
		threads.execute(() -> {
			started.countDown();
			try {
				never.await();
			}
			catch (InterruptedException ex) {
				interrupted.set(true);
			}
			finally {
				ended.countDown();
			}
		});
		assertThat(started.await(10, TimeUnit.SECONDS)).isTrue();
		threads.close();
		assertThat(ended.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(interrupted).isTrue();
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> threads.execute(() -> {
		}));
	}

	private static String ranOn(HandlerThreads threads) throws InterruptedException {
		BlockingQueue<String> ran = new LinkedBlockingQueue<>();
		threads.execute(() -> {
			Thread thread = Thread.currentThread();
			ran.add(thread.getName() + " " + TestHandlers.threadKind() + (thread.isDaemon() ? " daemon" : ""));
		});
		String thread = ran.poll(10, TimeUnit.SECONDS);
		assertThat(thread).as("the task ran").isNotNull();
		return thread;
	}

}
