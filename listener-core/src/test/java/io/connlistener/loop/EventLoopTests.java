package io.connlistener.loop;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.ByteBuffer;
import java.nio.channels.Pipe;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.atomic.AtomicReference;

import io.connlistener.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.awaitility.Awaitility.await;

@Timeout(30)
class EventLoopTests {

	@RegisterExtension
	final LogCapture log = LogCapture.julLoggers("io.connlistener");

	private final EventLoop loop = new EventLoop("test-loop");

	@AfterEach
	void closeLoop() {
		this.loop.close();
	}

	@Test
	void executeRunsTasksInOrderOnTheLoopThread() throws InterruptedException {
		List<Integer> order = new CopyOnWriteArrayList<>();
		AtomicReference<String> thread = new AtomicReference<>();
		CountDownLatch done = new CountDownLatch(1);
		for (int i = 0; i < 1000; i++) {
			int n = i;
			this.loop.execute(() -> order.add(n));
		}
		this.loop.execute(() -> {
			thread.set(Thread.currentThread().getName());
			done.countDown();
		});
		assertThat(done.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(order).hasSize(1000).isSorted();
		assertThat(thread.get()).isEqualTo("test-loop");
		assertThat(this.loop.inEventLoop()).isFalse();
	}

	@Test
	void currentIsTheLoopOfTheCallingThreadAndNullElsewhere() throws Exception {
		CompletableFuture<EventLoop> seen = new CompletableFuture<>();
		this.loop.execute(() -> seen.complete(EventLoop.current()));
		assertThat(seen.get(10, TimeUnit.SECONDS)).isSameAs(this.loop);
		assertThat(EventLoop.current()).isNull();
	}

	@Test
	void runInLoopRunsInlineOnTheLoopHandsOverElsewhereAndRefusesOnceClosed() throws Exception {
		CompletableFuture<Boolean> inline = new CompletableFuture<>();
		this.loop.execute(() -> {
			boolean[] ran = new boolean[1];
			this.loop.runInLoop(() -> ran[0] = true);
			inline.complete(ran[0]);
		});
		assertThat(inline.get(10, TimeUnit.SECONDS)).as("run before runInLoop returned").isTrue();
		CompletableFuture<String> handedOver = new CompletableFuture<>();
		assertThat(this.loop.runInLoop(() -> handedOver.complete(Thread.currentThread().getName()))).isTrue();
		assertThat(handedOver.get(10, TimeUnit.SECONDS)).isEqualTo("test-loop");
		this.loop.close();
		AtomicBoolean ranAfterClose = new AtomicBoolean();
		assertThat(this.loop.runInLoop(() -> ranAfterClose.set(true))).isFalse();
		assertThat(ranAfterClose).isFalse();
	}

	@Test
	void closeWithATimeoutReturnsWhileATaskIsStuckAndTheLoopEndsOnceItReturns() throws Exception {
		CountDownLatch stuck = new CountDownLatch(1);
		CountDownLatch running = new CountDownLatch(1);
		this.loop.execute(() -> {
			running.countDown();
			awaitQuietly(stuck);
		});
		assertThat(running.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.loop.close(Duration.ofMillis(50))).isFalse();
		assertThat(this.loop.isClosed()).isTrue();
		stuck.countDown();
		assertThat(this.loop.awaitTermination(Duration.ofSeconds(10))).isTrue();
		assertThat(this.loop.close(Duration.ZERO)).isTrue();
	}

	@Test
	void closeOnALoopThreadNeverWaitsForTheLoopItCloses() throws Exception {
		EventLoop other = new EventLoop("other-loop");
		CountDownLatch stuck = new CountDownLatch(1);
		other.execute(() -> awaitQuietly(stuck));
		CompletableFuture<Boolean> ended = new CompletableFuture<>();
		// A loop that waited for another one could wait forever: close returns at once.
		this.loop.execute(() -> ended.complete(other.close(Duration.ofDays(1))));
		assertThat(ended.get(10, TimeUnit.SECONDS)).isFalse();
		stuck.countDown();
		assertThat(other.awaitTermination(Duration.ofSeconds(10))).isTrue();
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Test
	void tasksFromManyThreadsAllRun() throws InterruptedException {
		int threads = 8;
		int perThread = 5000;
		AtomicInteger ran = new AtomicInteger();
		List<Thread> producers = new CopyOnWriteArrayList<>();
		for (int t = 0; t < threads; t++) {
			Thread producer = new Thread(() -> {
				for (int i = 0; i < perThread; i++) {
					this.loop.execute(ran::incrementAndGet);
				}
			});
			producers.add(producer);
			producer.start();
		}
		for (Thread producer : producers) {
			producer.join();
		}
		await().atMost(Duration.ofSeconds(10)).until(() -> ran.get() == threads * perThread);
	}

	@Test
	void scheduledTaskRunsAfterItsDelay() throws InterruptedException {
		CountDownLatch fired = new CountDownLatch(1);
		long start = System.nanoTime();
		AtomicReference<Long> elapsed = new AtomicReference<>();
		this.loop.schedule(Duration.ofMillis(100), () -> {
			elapsed.set(System.nanoTime() - start);
			fired.countDown();
		});
		assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(Duration.ofNanos(elapsed.get())).isGreaterThanOrEqualTo(Duration.ofMillis(100));
	}

	@Test
	void timersFireInDeadlineOrder() throws InterruptedException {
		List<Integer> order = new CopyOnWriteArrayList<>();
		CountDownLatch fired = new CountDownLatch(3);
		this.loop.schedule(Duration.ofMillis(90), () -> {
			order.add(3);
			fired.countDown();
		});
		this.loop.schedule(Duration.ofMillis(10), () -> {
			order.add(1);
			fired.countDown();
		});
		this.loop.schedule(Duration.ofMillis(50), () -> {
			order.add(2);
			fired.countDown();
		});
		assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(order).containsExactly(1, 2, 3);
	}

	@Test
	void cancelledTimerNeverRuns() throws InterruptedException {
		AtomicBoolean ran = new AtomicBoolean();
		ScheduledTask task = this.loop.schedule(Duration.ofMillis(50), () -> ran.set(true));
		task.cancel();
		CountDownLatch later = new CountDownLatch(1);
		this.loop.schedule(Duration.ofMillis(150), later::countDown);
		assertThat(later.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(ran).isFalse();
		assertThat(task.isCancelled()).isTrue();
	}

	@Test
	void manyCancelledTimersArePurged() throws InterruptedException {
		AtomicInteger ran = new AtomicInteger();
		for (int i = 0; i < 10_000; i++) {
			this.loop.schedule(Duration.ofHours(1), ran::incrementAndGet).cancel();
		}
		CountDownLatch fired = new CountDownLatch(1);
		this.loop.schedule(Duration.ofMillis(1), fired::countDown);
		assertThat(fired.await(10, TimeUnit.SECONDS)).isTrue();
		this.loop.close();
		assertThat(this.loop.droppedTimers()).isZero();
		assertThat(ran).hasValue(0);
	}

	@Test
	void taskThatThrowsDoesNotKillTheLoop() throws InterruptedException {
		this.loop.execute(() -> {
			throw new IllegalStateException("boom");
		});
		this.loop.schedule(Duration.ZERO, () -> {
			throw new IllegalStateException("boom again");
		});
		CountDownLatch after = new CountDownLatch(1);
		this.loop.schedule(Duration.ofMillis(20), after::countDown);
		assertThat(after.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.loop.failures()).isEqualTo(2);
		assertThat(this.loop.isClosed()).isFalse();
		assertThat(this.log.entries(Level.WARNING, "failed on test-loop"))
			.extracting((entry) -> entry.thrown().getMessage())
			.containsExactlyInAnyOrder("boom", "boom again");
	}

	@Test
	void closeRunsPendingTasksAndRefusesNewOnes() {
		CountDownLatch gate = new CountDownLatch(1);
		AtomicInteger ran = new AtomicInteger();
		this.loop.execute(() -> {
			try {
				gate.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		});
		for (int i = 0; i < 100; i++) {
			this.loop.execute(ran::incrementAndGet);
		}
		this.loop.schedule(Duration.ofHours(1), ran::incrementAndGet);
		Thread closer = new Thread(this.loop::close);
		closer.start();
		await().until(this.loop::isClosed);
		assertThatExceptionOfType(RejectedExecutionException.class).isThrownBy(() -> this.loop.execute(() -> {
		}));
		gate.countDown();
		assertThat(this.loop.awaitTermination(Duration.ofSeconds(10))).isTrue();
		assertThat(ran).hasValue(100);
		assertThat(this.loop.droppedTimers()).isEqualTo(1);
	}

	@Test
	void closeFromInsideALoopTaskEndsTheLoop() {
		this.loop.execute(this.loop::close);
		assertThat(this.loop.awaitTermination(Duration.ofSeconds(10))).isTrue();
	}

	@Test
	void afterSelectTaskFromAnIoHandlerRunsOnceItsCancelledKeyIsDeregistered() throws Exception {
		AtomicReference<Throwable> failure = new AtomicReference<>();
		CountDownLatch handedOver = new CountDownLatch(1);
		Pipe pipe = Pipe.open();
		try (Pipe.SourceChannel source = pipe.source(); Pipe.SinkChannel sink = pipe.sink()) {
			source.configureBlocking(false);
			this.loop.execute(() -> {
				try {
					this.loop.register(source, SelectionKey.OP_READ, (key) -> {
						key.cancel();
						this.loop.executeAfterSelect(() -> {
							try {
								// Both throw while the cancelled key is still registered.
								source.configureBlocking(true);
								source.configureBlocking(false);
								this.loop.register(source, SelectionKey.OP_READ, (again) -> {
								});
							}
							catch (Throwable ex) {
								failure.set(ex);
							}
							handedOver.countDown();
						});
					});
				}
				catch (IOException ex) {
					failure.set(ex);
				}
			});
			sink.write(ByteBuffer.wrap(new byte[] { 1 }));
			assertThat(handedOver.await(10, TimeUnit.SECONDS)).isTrue();
			assertThat(failure.get()).isNull();
		}
	}

	@Test
	void groupSpreadsRoundRobin() {
		try (EventLoopGroup group = new EventLoopGroup(3, "group")) {
			assertThat(List.of(group.next(), group.next(), group.next(), group.next()))
				.containsExactly(group.loops().get(0), group.loops().get(1), group.loops().get(2), group.loops().get(0));
			assertThat(group.leastLoaded()).isIn(group.loops());
			assertThat(group.loops()).extracting(EventLoop::name).containsExactly("group-1", "group-2", "group-3");
		}
	}

}
