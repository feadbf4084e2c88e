package io.connlistener.boot.listener.tracking;

import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

import io.connlistener.buffer.TrafficCounter;

/**
 * How many bytes the sockets of one managed listener's connections moved, over every run of
 * the application context: the one place these totals are kept, which the meters read. The
 * bytes are the socket's (over TLS the records, the handshake's included); a PROXY header,
 * read before the connection is served, is not among them, and neither is anything a raw
 * handler reads or writes, as it drives its socket itself.
 * <p>
 * Told once per read or write that moved bytes, from the loop and handler threads of the
 * listener's connections, each a {@link LongAdder#add} and nothing else; read from any
 * thread.
 */
public final class TrafficCounts implements TrafficCounter {

	private final LongAdder received = new LongAdder();

	private final LongAdder sent = new LongAdder();

	private final List<ConnectionBytesObserver> closeObservers = new CopyOnWriteArrayList<>();

	@Override
	public void received(long bytes) {
		this.received.add(bytes);
	}

	@Override
	public void sent(long bytes) {
		this.sent.add(bytes);
	}

	/**
	 * Return how many bytes the listener's sockets received.
	 * @return the count
	 */
	public long received() {
		return this.received.sum();
	}

	/**
	 * Return how many bytes the listener's sockets sent.
	 * @return the count
	 */
	public long sent() {
		return this.sent.sum();
	}

	/**
	 * Be told how many bytes each connection moved when it closes; not for connections of
	 * a raw handler, whose bytes are not counted. Observers run on whichever thread released
	 * the connection and must be quick.
	 * @param observer takes the connection's totals
	 */
	public void onConnectionClosed(ConnectionBytesObserver observer) {
		this.closeObservers.add(observer);
	}

	void connectionClosed(long received, long sent) {
		for (ConnectionBytesObserver observer : this.closeObservers) {
			observer.closed(received, sent);
		}
	}

	boolean isObserved() {
		return !this.closeObservers.isEmpty();
	}

	/**
	 * Takes the bytes one connection moved, once it closed.
	 */
	@FunctionalInterface
	public interface ConnectionBytesObserver {

		/**
		 * Take the totals of a connection that closed.
		 * @param received the bytes its socket received
		 * @param sent the bytes its socket sent
		 */
		void closed(long received, long sent);

	}

}
