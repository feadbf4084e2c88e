package io.connlistener.tls;

import java.util.concurrent.Executor;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.ThreadPoolExecutor;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicInteger;

/**
 * The executor that runs {@code SSLEngine} delegated tasks when the settings name none: as
 * many daemon threads as processors (at least two), created on first use and ended after a
 * minute idle, shared by every listener of the process.
 */
final class TlsTaskExecutor {

	private TlsTaskExecutor() {
	}

	static Executor shared() {
		return Holder.EXECUTOR;
	}

	private static final class Holder {

		static final Executor EXECUTOR = create();

		private static Executor create() {
			int threads = Math.max(2, Runtime.getRuntime().availableProcessors());
			AtomicInteger counter = new AtomicInteger();
			ThreadPoolExecutor executor = new ThreadPoolExecutor(threads, threads, 60, TimeUnit.SECONDS,
					new LinkedBlockingQueue<>(), (task) -> {
						Thread thread = new Thread(task, "connlistener-tls-task-" + counter.incrementAndGet());
						thread.setDaemon(true);
						return thread;
					});
			executor.allowCoreThreadTimeOut(true);
			return executor;
		}

	}

}
