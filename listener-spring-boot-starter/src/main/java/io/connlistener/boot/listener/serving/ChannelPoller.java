package io.connlistener.boot.listener.serving;

import java.io.IOException;
import java.nio.channels.CancelledKeyException;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.atomic.AtomicInteger;
import java.util.concurrent.locks.LockSupport;

import io.connlistener.loop.EventLoop;
import io.connlistener.loop.IoHandler;

/**
 * Lets threads wait as in a blocking call until a non-blocking channel is ready, with the
 * selector of an {@link EventLoop} as the poller, as the JDK's poller is for virtual threads.
 * Unlike a call blocked in the kernel, a waiting thread can give up at a deadline and try its
 * read or write again, which is how a timeout tells a peer that reads slowly from one that
 * reads nothing: Linux wakes a writer only once about a third of the send buffer is free.
 * <p>
 * One thread at a time may wait as the reader, and one as the writer; they call
 * {@link #await} and {@link #close}, everything else runs on the loop. A reader may wait for
 * the channel to be writable too, as a TLS read does when it has a record to answer. The channel is registered on the
 * first wait and deregistered when it closes.
 */
final class ChannelPoller implements IoHandler {

	private final EventLoop loop;

	private final SocketChannel channel;

	/** Operations the loop reported ready since their waiter last asked. */
	private final AtomicInteger ready = new AtomicInteger();

	private volatile Waiter reader;

	private volatile Waiter writer;

	private volatile boolean closed;

	// Loop thread only.

	private SelectionKey key;

	private int interestOps;

	/**
	 * Create a poller for a channel in non-blocking mode.
	 * @param loop the loop whose selector watches the channel
	 * @param channel the channel
	 */
	ChannelPoller(EventLoop loop, SocketChannel channel) {
		this.loop = loop;
		this.channel = channel;
	}

	/**
	 * Wait until the loop reports the channel ready for any of the operations, the deadline
	 * passes, the channel closes or the thread is interrupted. The caller then tries its read
	 * or write again, which tells what happened.
	 * @param ops {@link SelectionKey#OP_READ}, {@link SelectionKey#OP_WRITE} or both
	 * @param deadline a {@link System#nanoTime()} to give up at, or 0 for none
	 * @param reading whether the caller waits as the reader, else as the writer
	 */
	void await(int ops, long deadline, boolean reading) {
		Thread current = Thread.currentThread();
		// Readiness reported before the call that found the channel not ready is stale; the
		// selector is level-triggered, so it reports the channel again if it still is, and
		// for any other waiter whose interest this clears, as each waiter registers its own.
		this.ready.getAndUpdate((ready) -> ready & ~ops);
		setWaiter(reading, new Waiter(current, ops));
		try {
			if (!submit(() -> watch(ops))) {
				return;
			}
			while ((this.ready.get() & ops) == 0 && !this.closed && !current.isInterrupted()) {
				if (deadline == 0) {
					LockSupport.park(this);
				}
				else {
					long left = deadline - System.nanoTime();
					if (left <= 0) {
						return;
					}
					LockSupport.parkNanos(this, left);
				}
			}
		}
		finally {
			setWaiter(reading, null);
		}
	}

	/**
	 * Close the channel and wake the threads that wait. Idempotent.
	 */
	void close() {
		closeChannel();
		// A registered channel releases its descriptor once the selector has dropped its key:
		// wake the loop, which may otherwise select for a long time.
		submit(() -> {
		});
	}

	@Override
	public void handle(SelectionKey key) {
		int ops;
		try {
			ops = key.readyOps() & this.interestOps;
			this.interestOps &= ~ops;
			key.interestOps(this.interestOps);
		}
		catch (CancelledKeyException ex) {
			// Closed meanwhile by another thread, which woke the waiters.
			return;
		}
		this.ready.getAndUpdate((ready) -> ready | ops);
		wake(ops);
	}

	@Override
	public void failed(SelectionKey key, Throwable failure) {
		close();
	}

	@Override
	public void loopClosed(SelectionKey key) {
		close();
	}

	private void watch(int op) {
		if (this.closed) {
			return;
		}
		try {
			if (this.key == null) {
				this.interestOps = op;
				this.key = this.loop.register(this.channel, op, this);
			}
			else {
				this.interestOps |= op;
				this.key.interestOps(this.interestOps);
			}
		}
		catch (ClosedChannelException | CancelledKeyException ex) {
			closeChannel();
		}
	}

	private boolean submit(Runnable task) {
		try {
			this.loop.execute(task);
			return true;
		}
		catch (RejectedExecutionException ex) {
			// The loop is closing, and with it the listener: nothing would report the channel ready.
			closeChannel();
			return false;
		}
	}

	private void closeChannel() {
		this.closed = true;
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// The peer is gone or the descriptor was already released; nothing to report.
		}
		wake(SelectionKey.OP_READ | SelectionKey.OP_WRITE);
	}

	private void setWaiter(boolean reading, Waiter waiter) {
		if (reading) {
			this.reader = waiter;
		}
		else {
			this.writer = waiter;
		}
	}

	private void wake(int ops) {
		Waiter reader = this.reader;
		if (reader != null && (ops & reader.ops()) != 0) {
			LockSupport.unpark(reader.thread());
		}
		Waiter writer = this.writer;
		if (writer != null && (ops & writer.ops()) != 0) {
			LockSupport.unpark(writer.thread());
		}
	}

	/**
	 * A thread that waits, and what for.
	 */
	private record Waiter(Thread thread, int ops) {
	}

}
