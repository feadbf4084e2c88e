package io.connlistener.loop;

/**
 * A task that an {@link EventLoop} runs once its delay has passed, and the handle that
 * cancels it.
 * <p>
 * {@link #cancel()} may be called from any thread; a task cancelled before it fires never
 * runs.
 */
public final class ScheduledTask implements Comparable<ScheduledTask> {

	private final EventLoop loop;

	final long deadline;

	private final Runnable task;

	long sequence;

	private volatile boolean cancelled;

	ScheduledTask(EventLoop loop, long deadline, Runnable task) {
		this.loop = loop;
		this.deadline = deadline;
		this.task = task;
	}

	/**
	 * Cancel the task. Has no effect once it has run or been cancelled.
	 */
	public void cancel() {
		if (!this.cancelled) {
			this.cancelled = true;
			this.loop.cancel(this);
		}
	}

	/**
	 * Return whether the task was cancelled.
	 * @return {@code true} once cancelled
	 */
	public boolean isCancelled() {
		return this.cancelled;
	}

	void fire() {
		this.cancelled = true;
		this.loop.safeRun(this.task);
	}

	@Override
	public int compareTo(ScheduledTask other) {
		int byDeadline = Long.compare(this.deadline - other.deadline, 0);
		return (byDeadline != 0) ? byDeadline : Long.compare(this.sequence, other.sequence);
	}

}
