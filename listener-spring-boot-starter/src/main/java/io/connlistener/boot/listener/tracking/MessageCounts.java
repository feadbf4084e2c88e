package io.connlistener.boot.listener.tracking;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.LongConsumer;

/**
 * How many messages the message handler of one managed listener received and sent, over
 * every run of the application context, and how long it took over each: the one place
 * these numbers are kept, which the meters read.
 * <p>
 * Written from the loop and handler threads of the listener's connections; read from any.
 */
public final class MessageCounts {

	private final LongAdder received = new LongAdder();

	private final LongAdder sent = new LongAdder();

	private final List<LongConsumer> handledObservers = new CopyOnWriteArrayList<>();

	/**
	 * Return how many messages were handed to the handler.
	 * @return the count
	 */
	public long received() {
		return this.received.sum();
	}

	/**
	 * Return how many messages were queued for sending: replies and sends.
	 * @return the count
	 */
	public long sent() {
		return this.sent.sum();
	}

	/**
	 * Be told how long the handler took over each message. Observers run on the handler's
	 * thread and must be quick.
	 * @param observer takes the duration in nanoseconds
	 */
	public void onHandled(LongConsumer observer) {
		this.handledObservers.add(observer);
	}

	/**
	 * Count a message handed to the handler.
	 */
	public void receivedOne() {
		this.received.increment();
	}

	/**
	 * Count a message queued for sending.
	 */
	public void sentOne() {
		this.sent.increment();
	}

	/**
	 * Report how long the handler took over one message.
	 * @param nanos the duration
	 */
	public void handled(long nanos) {
		for (LongConsumer observer : this.handledObservers) {
			observer.accept(nanos);
		}
	}

}
