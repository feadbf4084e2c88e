package io.connlistener.boot.listener.serving;

import java.lang.reflect.Method;
import java.util.concurrent.ArrayBlockingQueue;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.ThreadFactory;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;

import org.springframework.scheduling.concurrent.CustomizableThreadFactory;

/**
 * Creates the threads that run blocking handlers of one listener: a virtual thread per
 * connection where asked for and available, otherwise a pool bounded by the listener's
 * {@code max-connections} with a short bounded queue, never an unbounded one.
 * <p>
 * Virtual threads are created through reflection, so that the starter compiles and runs on
 * Java 17.
 */
public final class HandlerThreads {

	private HandlerThreads() {
	}

	/**
	 * Return whether this JVM offers virtual threads.
	 * @return {@code true} on Java 21 or later
	 */
	public static boolean virtualThreadsAvailable() {
		return virtualThreadFactory("probe-") != null;
	}

	/**
	 * Create the executor of one listener.
	 * @param listenerName the listener's name, used in thread names
	 * @param maxThreads most platform threads; also bounds the queue
	 * @param queueCapacity how many connections may wait for a thread for a moment
	 * @param virtual whether to run each connection on a virtual thread
	 * @return the executor
	 */
	static ExecutorService create(String listenerName, int maxThreads, int queueCapacity, boolean virtual) {
		String prefix = "connlistener-" + listenerName + "-";
		if (virtual) {
			ThreadFactory factory = virtualThreadFactory(prefix);
			if (factory == null) {
				throw new IllegalStateException("Virtual threads need Java 21 or later");
			}
			try {
				return (ExecutorService) Executors.class.getMethod("newThreadPerTaskExecutor", ThreadFactory.class)
					.invoke(null, factory);
			}
			catch (ReflectiveOperationException ex) {
				throw new IllegalStateException("Could not create a virtual thread executor", ex);
			}
		}
		CustomizableThreadFactory factory = new CustomizableThreadFactory(prefix);
		factory.setDaemon(true);
		ThreadPoolExecutor executor = new ThreadPoolExecutor(maxThreads, maxThreads, 60, TimeUnit.SECONDS,
				new ArrayBlockingQueue<>(Math.max(1, queueCapacity)), factory);
		executor.allowCoreThreadTimeOut(true);
		return executor;
	}

	private static ThreadFactory virtualThreadFactory(String prefix) {
		try {
			Object builder = Thread.class.getMethod("ofVirtual").invoke(null);
			Class<?> ofVirtual = Class.forName("java.lang.Thread$Builder$OfVirtual");
			Method name = ofVirtual.getMethod("name", String.class, long.class);
			builder = name.invoke(builder, prefix, 1L);
			return (ThreadFactory) ofVirtual.getMethod("factory").invoke(builder);
		}
		catch (ReflectiveOperationException | RuntimeException ex) {
			return null;
		}
	}

}
