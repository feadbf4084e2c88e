package io.connlistener.boot.listener.serving;

import java.time.Duration;
import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

import org.springframework.boot.system.JavaVersion;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The threads that run the blocking handlers of one listener: a virtual thread per
 * connection where asked for, otherwise a pool bounded by the listener's
 * {@code max-connections} with a short bounded queue, never an unbounded one. An idle thread
 * takes a new connection before a thread is added, so that a churn of short connections
 * keeps as many threads as are busy at once, not one per connection until the bound; idle
 * threads end after a minute. Closing interrupts the handlers still running and waits a
 * moment for them.
 * <p>
 * Virtual threads come from Spring's {@link SimpleAsyncTaskExecutor}, which makes them
 * without reflection on Java 21 and later; the starter compiles for and runs on Java 17,
 * where asking for them is refused.
 * <p>
 * Tasks may be handed over from any thread.
 */
public final class HandlerThreads implements Executor, AutoCloseable {

	private static final Duration TERMINATION_WAIT = Duration.ofSeconds(1);

	private final SimpleAsyncTaskExecutor virtual;

	private final ThreadPoolExecutor pool;

	private HandlerThreads(SimpleAsyncTaskExecutor virtual, ThreadPoolExecutor pool) {
		this.virtual = virtual;
		this.pool = pool;
	}

	/**
	 * Return whether this JVM offers virtual threads.
	 * @return {@code true} on Java 21 or later
	 */
	public static boolean virtualThreadsAvailable() {
		return JavaVersion.getJavaVersion().isEqualOrNewerThan(JavaVersion.TWENTY_ONE);
	}

	/**
	 * Create the threads of one listener.
	 * @param listenerName the listener's name, used in thread names
	 * @param maxThreads most platform threads; also bounds the queue
	 * @param queueCapacity how many connections may wait for a thread for a moment
	 * @param virtual whether to run each connection on a virtual thread
	 * @return the threads
	 * @throws IllegalStateException if virtual threads are asked for before Java 21
	 */
	static HandlerThreads create(String listenerName, int maxThreads, int queueCapacity, boolean virtual) {
		String prefix = "connlistener-" + listenerName + "-";
		if (virtual) {
			if (!virtualThreadsAvailable()) {
				throw new IllegalStateException("Virtual threads need Java 21 or later");
			}
			SimpleAsyncTaskExecutor executor = new SimpleAsyncTaskExecutor(prefix);
			executor.setVirtualThreads(true);
			executor.setCancelRemainingTasksOnClose(true);
			executor.setTaskTerminationTimeout(TERMINATION_WAIT.toMillis());
			return new HandlerThreads(executor, null);
		}
		CustomizableThreadFactory factory = new CustomizableThreadFactory(prefix);
		factory.setDaemon(true);
		return new HandlerThreads(null, new IdleFirstPool(maxThreads, Math.max(1, queueCapacity), factory));
	}

	/**
	 * Create the threads of a listener whose handler gets many short tasks, such as one per
	 * message: idle threads take new tasks before any thread is added, up to the most
	 * threads, and a task is refused only when every thread is busy. With virtual threads,
	 * as {@link #create}.
	 * @param listenerName the listener's name, used in thread names
	 * @param maxThreads most platform threads busy at once
	 * @param virtual whether to run each task on a virtual thread
	 * @return the threads
	 * @throws IllegalStateException if virtual threads are asked for before Java 21
	 */
	static HandlerThreads createForTasks(String listenerName, int maxThreads, boolean virtual) {
		if (virtual) {
			return create(listenerName, maxThreads, 0, true);
		}
		CustomizableThreadFactory factory = new CustomizableThreadFactory("connlistener-" + listenerName + "-");
		factory.setDaemon(true);
		// No core threads and a hand-off queue: a thread is added only when none is idle.
		ThreadPoolExecutor executor = new ThreadPoolExecutor(0, maxThreads, 60, TimeUnit.SECONDS,
				new SynchronousQueue<>(), factory);
		return new HandlerThreads(null, executor);
	}

	/**
	 * Return how many platform threads the pool has, busy or idle; 0 with virtual threads.
	 * @return the number of threads
	 */
	int threads() {
		return (this.pool != null) ? this.pool.getPoolSize() : 0;
	}

	/**
	 * Return how many platform threads run a task right now; 0 with virtual threads.
	 * @return the number of busy threads
	 */
	int busyThreads() {
		return (this.pool != null) ? this.pool.getActiveCount() : 0;
	}

	/**
	 * Run a handler.
	 * @param task the handler's work on one connection
	 * @throws RejectedExecutionException if no thread is free, or after {@link #close()}
	 */
	@Override
	public void execute(Runnable task) {
		if (this.virtual != null) {
			this.virtual.execute(task);
		}
		else {
			this.pool.execute(task);
		}
	}

	/**
	 * Interrupt the handlers still running and wait up to a second for them to return.
	 */
	@Override
	public void close() {
		if (this.virtual != null) {
			this.virtual.close();
			return;
		}
		this.pool.shutdownNow();
		try {
			this.pool.awaitTermination(TERMINATION_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * A pool that gives a task to an idle thread first, adds a thread only when every thread
	 * is busy, and lets a task wait in its bounded queue only once it has its most threads,
	 * as Tomcat's executor does: a plain {@link ThreadPoolExecutor} adds a thread for each task
	 * until it has its core threads, idle ones or not, and queues before it adds beyond them.
	 */
	private static final class IdleFirstPool extends ThreadPoolExecutor {

		/** Tasks handed over and not yet finished, running or waiting. */
		private final AtomicInteger submitted = new AtomicInteger();

		IdleFirstPool(int maxThreads, int queueCapacity, ThreadFactory factory) {
			super(0, maxThreads, 60, TimeUnit.SECONDS, new IdleFirstQueue(queueCapacity), factory);
			((IdleFirstQueue) getQueue()).pool = this;
		}

		@Override
		public void execute(Runnable task) {
			this.submitted.incrementAndGet();
			try {
				super.execute(task);
			}
			catch (RuntimeException ex) {
				this.submitted.decrementAndGet();
				throw ex;
			}
		}

		@Override
		protected void afterExecute(Runnable task, Throwable failure) {
			this.submitted.decrementAndGet();
		}

	}

	/**
	 * The queue of an {@link IdleFirstPool}: it refuses a task while more tasks than threads
	 * are handed over and the pool may add a thread, which makes the pool add one.
	 */
	private static final class IdleFirstQueue extends LinkedBlockingQueue<Runnable> {

		private volatile IdleFirstPool pool;

		IdleFirstQueue(int capacity) {
			super(capacity);
		}

		@Override
		public boolean offer(Runnable task) {
			IdleFirstPool pool = this.pool;
			int threads = pool.getPoolSize();
			if (pool.submitted.get() > threads && threads < pool.getMaximumPoolSize()) {
				return false;
			}
			return super.offer(task);
		}

	}

}
