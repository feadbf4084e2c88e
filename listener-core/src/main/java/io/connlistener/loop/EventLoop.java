package io.connlistener.loop;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ClosedSelectorException;
import java.nio.channels.SelectableChannel;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Objects;
import java.util.PriorityQueue;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.Executor;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicBoolean;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;
import java.util.function.Consumer;

import io.connlistener.internal.FailsafeLogger;

/**
 * One thread that waits on one NIO {@link Selector} and runs tasks and timers between
 * selections: the Java counterpart of libevent's {@code event_base}.
 * <p>
 * {@link #execute}, {@link #schedule}, {@link #inEventLoop} and {@link #close} may be called
 * from any thread; everything else that touches the selector ({@link #register}) must be
 * called on the loop thread. Tasks run in submission order. A burst of submissions from
 * other threads costs at most one {@link Selector#wakeup()}. A task, timer or I/O handler
 * that throws is logged and counted, and the loop goes on.
 * <p>
 * While connections keep arriving (a listener on the loop accepted some in two selections in
 * a row, as it {@linkplain #connectionsArrived() reports}), the loop pauses for its
 * {@linkplain #DEFAULT_ARRIVAL_BATCHING arrival batching} before it next selects, so that the
 * connects, requests and closes that come meanwhile are served in one pass: each event that
 * comes while the thread sleeps in the selector costs the thread that caused it (on loopback,
 * the client) a wakeup of this one. A task handed in from another thread ends the pause.
 */
public final class EventLoop implements Executor, AutoCloseable {

	private static final FailsafeLogger logger = FailsafeLogger.of(EventLoop.class);

	private static final AtomicInteger sequence = new AtomicInteger();

	static {
		preload(ScheduledTask.class, IoHandler.class);
	}

	/**
	 * The arrival batching of a loop made without one: 20 µs, which the operating system
	 * rounds up (Linux adds its timer slack, 50 µs by default, to every timed sleep).
	 */
	public static final Duration DEFAULT_ARRIVAL_BATCHING = Duration.ofNanos(20_000);

	/** The longest arrival batching a loop takes. */
	public static final Duration MAX_ARRIVAL_BATCHING = Duration.ofSeconds(1);

	private static final int RUNNING = 0;

	private static final int CLOSING = 1;

	private static final int CLOSED = 2;

	private final Selector selector;

	private final Thread thread;

	private final long arrivalBatchingNanos;

	/** Whether a listener accepted connections since the last selection; loop thread only. */
	private boolean arrivedThisPass;

	/** Whether it had in the pass before; loop thread only. */
	private boolean arrivedLastPass;

	private volatile long arrivalPauses;

	private final Queue<Runnable> tasks = new ConcurrentLinkedQueue<>();

	/** True while the loop is not blocked in select: a producer then needs no wakeup. */
	private final AtomicBoolean awake = new AtomicBoolean(true);

	private final AtomicInteger state = new AtomicInteger(RUNNING);

	private final CountDownLatch terminated = new CountDownLatch(1);

	private final PriorityQueue<ScheduledTask> timers = new PriorityQueue<>();

	private List<Runnable> afterSelect = new ArrayList<>();

	private List<Runnable> afterSelectSpare = new ArrayList<>();

	private final Consumer<SelectionKey> dispatcher = this::dispatch;

	private long timerSequence;

	private int cancelledTimers;

	private volatile long failures;

	private volatile int droppedTimers;

	/**
	 * Create a loop and start its thread, named {@code connlistener-loop-N}.
	 * @throws UncheckedIOException if the selector cannot be opened
	 */
	public EventLoop() {
		this("connlistener-loop-" + sequence.incrementAndGet());
	}

	/**
	 * Create a loop and start its thread with the given name.
	 * @param threadName name of the loop thread
	 * @throws UncheckedIOException if the selector cannot be opened
	 */
	public EventLoop(String threadName) {
		this(threadName, DEFAULT_ARRIVAL_BATCHING);
	}

	/**
	 * Create a loop and start its thread with the given name and arrival batching.
	 * @param threadName name of the loop thread
	 * @param arrivalBatching how long the loop pauses before it selects while connections
	 * keep arriving; {@link Duration#ZERO} never pauses
	 * @throws UncheckedIOException if the selector cannot be opened
	 */
	public EventLoop(String threadName, Duration arrivalBatching) {
		Objects.requireNonNull(threadName, "'threadName' must not be null");
		Objects.requireNonNull(arrivalBatching, "'arrivalBatching' must not be null");
		if (arrivalBatching.isNegative() || arrivalBatching.compareTo(MAX_ARRIVAL_BATCHING) > 0) {
			throw new IllegalArgumentException(
					"'arrivalBatching' must be between 0 and 1 s, not " + arrivalBatching);
		}
		this.arrivalBatchingNanos = arrivalBatching.toNanos();
		try {
			this.selector = Selector.open();
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not open a selector for " + threadName, ex);
		}
		this.thread = new LoopThread(this, threadName);
		this.thread.setDaemon(true);
		this.thread.start();
	}

	/**
	 * Return whether the calling thread is this loop's thread.
	 * @return {@code true} on the loop thread
	 */
	public boolean inEventLoop() {
		return Thread.currentThread() == this.thread;
	}

	/**
	 * Return the loop whose thread is the calling thread: code that must never wait for a
	 * loop (because a loop that waits for another can deadlock) asks this first.
	 * @return the calling thread's loop, or {@code null} off every loop thread
	 */
	public static EventLoop current() {
		return (Thread.currentThread() instanceof LoopThread thread) ? thread.loop : null;
	}

	/**
	 * Run a task on the loop thread, after the tasks submitted before it.
	 * @param task the task
	 * @throws RejectedExecutionException if the loop is closing or closed
	 */
	@Override
	public void execute(Runnable task) {
		Objects.requireNonNull(task, "'task' must not be null");
		if (this.state.get() != RUNNING && !inEventLoop()) {
			throw new RejectedExecutionException(this.thread.getName() + " is closed");
		}
		this.tasks.offer(task);
		if (this.state.get() == CLOSED && this.tasks.remove(task)) {
			// Lost the race with close(): the loop's last drain did not see the task.
			throw new RejectedExecutionException(this.thread.getName() + " is closed");
		}
		if (!inEventLoop() && this.awake.compareAndSet(false, true)) {
			wakeUp();
		}
	}

	/** End a selection or an arrival pause under way. */
	private void wakeUp() {
		this.selector.wakeup();
		if (this.arrivalBatchingNanos > 0) {
			LockSupport.unpark(this.thread);
		}
	}

	/**
	 * Return how long the loop pauses before it selects while connections keep arriving.
	 * @return the arrival batching, {@link Duration#ZERO} if the loop never pauses
	 */
	public Duration arrivalBatching() {
		return Duration.ofNanos(this.arrivalBatchingNanos);
	}

	/**
	 * Tell the loop that connections were accepted on it: called by the listeners on the
	 * loop, after each accept. Loop thread only.
	 */
	public void connectionsArrived() {
		this.arrivedThisPass = true;
	}

	/**
	 * Return how many times the loop has paused before a selection because connections kept
	 * arriving.
	 * @return the number since the loop started
	 */
	public long arrivalPauses() {
		return this.arrivalPauses;
	}

	/**
	 * Run a task on the loop thread once the delay has passed.
	 * @param delay how long to wait
	 * @param task the task
	 * @return a handle that cancels the task
	 * @throws RejectedExecutionException if the loop is closing or closed
	 */
	public ScheduledTask schedule(Duration delay, Runnable task) {
		Objects.requireNonNull(delay, "'delay' must not be null");
		Objects.requireNonNull(task, "'task' must not be null");
		ScheduledTask scheduled = new ScheduledTask(this, System.nanoTime() + Math.max(0, delay.toNanos()), task);
		if (inEventLoop()) {
			addTimer(scheduled);
		}
		else {
			execute(() -> addTimer(scheduled));
		}
		return scheduled;
	}

	/**
	 * Run a task now if called on the loop thread, else hand it to the loop, as
	 * {@link #execute} does but without throwing when the loop is closed.
	 * @param task the task
	 * @return {@code false} if the loop is closed and refused the task
	 */
	public boolean runInLoop(Runnable task) {
		if (inEventLoop()) {
			task.run();
			return true;
		}
		try {
			execute(task);
			return true;
		}
		catch (RejectedExecutionException ex) {
			return false;
		}
	}

	/**
	 * Run a task on the loop thread after the next selection operation. Keys cancelled before
	 * this call have been deregistered by then, so a channel closed before this call has
	 * released its file descriptor and a channel whose key was cancelled may change its
	 * blocking mode. Must be called on the loop thread.
	 * @param task the task
	 */
	public void executeAfterSelect(Runnable task) {
		Objects.requireNonNull(task, "'task' must not be null");
		assertInEventLoop();
		this.afterSelect.add(task);
	}

	/**
	 * Register a channel with this loop's selector. Must be called on the loop thread.
	 * @param channel a non-blocking channel
	 * @param ops the interest set
	 * @param handler called on the loop thread when the channel is ready
	 * @return the selection key
	 * @throws ClosedChannelException if the channel is closed
	 */
	public SelectionKey register(SelectableChannel channel, int ops, IoHandler handler) throws ClosedChannelException {
		Objects.requireNonNull(channel, "'channel' must not be null");
		Objects.requireNonNull(handler, "'handler' must not be null");
		assertInEventLoop();
		return channel.register(this.selector, ops, handler);
	}

	/**
	 * Return how many channels are registered with this loop. Safe to read from any thread;
	 * the figure may be a little stale.
	 * @return the number of registered channels
	 */
	public int registeredChannels() {
		try {
			return this.selector.keys().size();
		}
		catch (RuntimeException ex) {
			return 0;
		}
	}

	/**
	 * Return how many tasks, timers and I/O handlers have thrown on this loop.
	 * @return the failure count
	 */
	public long failures() {
		return this.failures;
	}

	/**
	 * Return whether {@link #close()} has been called.
	 * @return {@code true} once closing has begun
	 */
	public boolean isClosed() {
		return this.state.get() != RUNNING;
	}

	/**
	 * Return the loop thread's name.
	 * @return the name
	 */
	public String name() {
		return this.thread.getName();
	}

	/**
	 * Close the loop: refuse new tasks, run the tasks already submitted, drop pending timers
	 * (their number is logged), tell every registered handler, close the selector and end the
	 * thread. Called off the loop threads, waits until the thread has ended; called on any
	 * loop thread, returns at once and the loop ends after its current iteration. Idempotent.
	 */
	@Override
	public void close() {
		close(Duration.ofDays(1));
	}

	/**
	 * Close the loop as {@link #close()} does, waiting at most the given time for its thread
	 * to end: a task or handler that never returns keeps the thread, but not its caller.
	 * Called on any loop thread, returns at once, since one loop waiting for another could
	 * wait forever.
	 * @param timeout how long to wait off the loop threads
	 * @return {@code true} if the thread has ended
	 */
	public boolean close(Duration timeout) {
		Objects.requireNonNull(timeout, "'timeout' must not be null");
		if (this.state.compareAndSet(RUNNING, CLOSING)) {
			wakeUp();
		}
		if (current() != null) {
			return this.terminated.getCount() == 0;
		}
		return awaitTermination(timeout);
	}

	/**
	 * Wait for the loop thread to end after {@link #close()}.
	 * @param timeout how long to wait
	 * @return {@code true} if the thread has ended
	 */
	public boolean awaitTermination(Duration timeout) {
		try {
			return this.terminated.await(timeout.toNanos(), TimeUnit.NANOSECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Return how many timers {@link #close()} dropped.
	 * @return the number of dropped timers
	 */
	public int droppedTimers() {
		return this.droppedTimers;
	}

	/**
	 * Load and initialize classes now, so that code which must work when the process is out
	 * of file descriptors (and so cannot open a class file) does not fail with
	 * {@link NoClassDefFoundError}.
	 * @param types the classes
	 */
	public static void preload(Class<?>... types) {
		for (Class<?> type : types) {
			try {
				Class.forName(type.getName(), true, type.getClassLoader());
			}
			catch (ClassNotFoundException ex) {
				throw new IllegalStateException(ex);
			}
		}
	}

	void cancel(ScheduledTask task) {
		if (inEventLoop()) {
			removeTimer(task);
		}
		else if (this.state.get() == RUNNING) {
			execute(() -> removeTimer(task));
		}
	}

	private void assertInEventLoop() {
		if (!inEventLoop()) {
			throw new IllegalStateException("Must be called on " + this.thread.getName() + ", not on "
					+ Thread.currentThread().getName());
		}
	}

	private void addTimer(ScheduledTask task) {
		if (!task.isCancelled()) {
			task.sequence = this.timerSequence++;
			this.timers.add(task);
		}
	}

	private void removeTimer(ScheduledTask task) {
		// Removal from a heap is linear, so cancelled timers are purged in bulk instead.
		if (++this.cancelledTimers > 64 && this.cancelledTimers > this.timers.size() / 2) {
			this.timers.removeIf(ScheduledTask::isCancelled);
			this.cancelledTimers = 0;
		}
	}

	private void run() {
		try {
			while (this.state.get() == RUNNING) {
				try {
					// Tasks handed in before this selection run after it, not those handed in
					// during it (by an I/O handler): their keys are deregistered only by the next.
					boolean due = !this.afterSelect.isEmpty();
					List<Runnable> ready = swapAfterSelect();
					select(due);
					runAfterSelect(ready);
					runTimers();
					runTasks();
				}
				catch (ClosedSelectorException ex) {
					throw ex;
				}
				catch (Throwable ex) {
					// An Error here (a class that could not be loaded for want of file
					// descriptors, say) must not end the loop that everything depends on.
					this.failures++;
					logger.log(Level.ERROR, this.thread.getName() + " iteration failed", ex);
				}
			}
			runTasks();
		}
		catch (Throwable ex) {
			logger.log(Level.ERROR, this.thread.getName() + " ended unexpectedly", ex);
		}
		finally {
			shutdown();
			this.state.set(CLOSED);
			// Tasks offered while closing either run here or are refused by execute().
			drainTasks();
			runAfterSelect();
			this.terminated.countDown();
		}
	}

	private void select(boolean afterSelectDue) throws IOException {
		boolean arriving = this.arrivedThisPass && this.arrivedLastPass;
		this.arrivedLastPass = this.arrivedThisPass;
		this.arrivedThisPass = false;
		this.awake.set(false);
		if (arriving && this.arrivalBatchingNanos > 0 && !workWaiting(afterSelectDue)) {
			this.arrivalPauses++;
			// Not in the selector: what arrives now only queues its readiness and wakes nobody;
			// the selection below finds it at once.
			LockSupport.parkNanos(this.arrivalBatchingNanos);
		}
		if (workWaiting(afterSelectDue)) {
			this.awake.set(true);
			this.selector.selectNow(this.dispatcher);
			return;
		}
		long timeoutMillis = 0;
		ScheduledTask next = this.timers.peek();
		if (next != null) {
			long nanos = next.deadline - System.nanoTime();
			if (nanos <= 0) {
				this.awake.set(true);
				this.selector.selectNow(this.dispatcher);
				return;
			}
			timeoutMillis = Math.max(1, TimeUnit.NANOSECONDS.toMillis(nanos + 999_999));
		}
		this.selector.select(this.dispatcher, timeoutMillis);
		this.awake.set(true);
	}

	private boolean workWaiting(boolean afterSelectDue) {
		return afterSelectDue || !this.tasks.isEmpty() || !this.afterSelect.isEmpty() || this.state.get() != RUNNING;
	}

	private void dispatch(SelectionKey key) {
		if (key.attachment() instanceof IoHandler handler) {
			try {
				handler.handle(key);
			}
			catch (Throwable ex) {
				failed("I/O handler " + handler, ex);
				handler.failed(key, ex);
			}
		}
	}

	private List<Runnable> swapAfterSelect() {
		List<Runnable> ready = this.afterSelect;
		this.afterSelect = this.afterSelectSpare;
		this.afterSelectSpare = ready;
		return ready;
	}

	private void runAfterSelect(List<Runnable> ready) {
		for (int i = 0; i < ready.size(); i++) {
			safeRun(ready.get(i));
		}
		ready.clear();
	}

	/**
	 * Run every task handed to {@link #executeAfterSelect}, on shutdown, when no selection
	 * follows.
	 */
	private void runAfterSelect() {
		while (!this.afterSelect.isEmpty()) {
			runAfterSelect(swapAfterSelect());
		}
	}

	private void runTimers() {
		long now = System.nanoTime();
		ScheduledTask next;
		while ((next = this.timers.peek()) != null && next.deadline - now <= 0) {
			this.timers.poll();
			if (next.isCancelled()) {
				this.cancelledTimers = Math.max(0, this.cancelledTimers - 1);
			}
			else {
				next.fire();
			}
		}
	}

	private void runTasks() {
		// Bounded by the queue size on entry, so tasks that resubmit themselves cannot starve I/O.
		Queue<Runnable> queue = this.tasks;
		for (int budget = Math.max(64, queue.size()); budget > 0; budget--) {
			Runnable task = queue.poll();
			if (task == null) {
				return;
			}
			safeRun(task);
		}
	}

	void safeRun(Runnable task) {
		try {
			task.run();
		}
		catch (Throwable ex) {
			failed("Task " + task, ex);
		}
	}

	private void failed(String what, Throwable ex) {
		this.failures++;
		logger.log(Level.WARNING, what + " failed on " + this.thread.getName(), ex);
	}

	private void shutdown() {
		drainTasks();
		if (this.selector.isOpen()) {
			try {
				// Deregister cancelled keys, as the selection those tasks wait for would.
				this.selector.selectNow((key) -> { });
			}
			catch (IOException | RuntimeException ex) {
				logger.log(Level.DEBUG, "Could not flush the selector of " + this.thread.getName(), ex);
			}
		}
		runAfterSelect();
		int dropped = (int) this.timers.stream().filter((timer) -> !timer.isCancelled()).count();
		this.timers.clear();
		this.droppedTimers = dropped;
		if (dropped > 0) {
			logger.log(Level.DEBUG, () -> this.thread.getName() + " closed with " + dropped + " scheduled timers dropped");
		}
		if (this.selector.isOpen()) {
			for (SelectionKey key : new ArrayList<>(this.selector.keys())) {
				if (key.attachment() instanceof IoHandler handler) {
					try {
						handler.loopClosed(key);
					}
					catch (Throwable ex) {
						failed("I/O handler " + handler, ex);
					}
				}
			}
			drainTasks();
			try {
				this.selector.close();
			}
			catch (IOException ex) {
				logger.log(Level.DEBUG, "Could not close the selector of " + this.thread.getName(), ex);
			}
		}
		runAfterSelect();
	}

	private void drainTasks() {
		Runnable task;
		while ((task = this.tasks.poll()) != null) {
			safeRun(task);
		}
	}

	@Override
	public String toString() {
		return "EventLoop[" + this.thread.getName() + "]";
	}

	/**
	 * The thread of a loop, so that {@link #current()} needs no thread-local lookup.
	 */
	private static final class LoopThread extends Thread {

		private final EventLoop loop;

		LoopThread(EventLoop loop, String name) {
			super(name);
			this.loop = loop;
		}

		@Override
		public void run() {
			this.loop.run();
		}

	}

}
