package io.connlistener.boot.listener.serving;

import java.time.Duration;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.SynchronousQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.boot.system.JavaVersion;
import org.springframework.core.task.SimpleAsyncTaskExecutor;
import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * The threads that run the blocking handlers of one listener: a virtual thread per
 * connection where asked for, otherwise a pool bounded by the listener's
 * {@code max-connections} with a short bounded queue, never an unbounded one. Closing
 * interrupts the handlers still running and waits a moment for them.
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
		ThreadPoolExecutor executor = new ThreadPoolExecutor(maxThreads, maxThreads, 60, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(Math.max(1, queueCapacity)), factory);
		executor.allowCoreThreadTimeOut(true);
		return new HandlerThreads(null, executor);
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

}
