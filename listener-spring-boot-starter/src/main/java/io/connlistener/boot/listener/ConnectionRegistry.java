package io.connlistener.boot.listener;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.Comparator;
import java.util.List;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.PriorityQueue;

import io.connlistener.boot.listener.tracking.ConnectionTracker;
import io.connlistener.boot.listener.tracking.SendResult;
import io.connlistener.boot.listener.tracking.ServedConnection;
import io.connlistener.boot.listener.tracking.TrackedConnection;

import org.springframework.util.Assert;

/**
 * Every open connection of every managed listener, by id: to see them, close one, and, for
 * the buffered and message handler styles, send to one or to all of a listener's. Built on
 * each listener's {@link ConnectionTracker}, which already knows every open connection; it
 * keeps nothing of its own.
 * <p>
 * Safe to use from any thread, handler threads included; nothing waits for a loop or a
 * slow client. A send goes to a connection only while its output is at or below the write
 * high watermark (counting what other sends have on their way to it), and is dropped and
 * counted as skipped otherwise, so a client that does not read never pins more than the
 * watermark and one message. A buffered connection gets the bytes as they are; a message
 * connection gets them as one message, framed by the listener's framing. A raw or blocking
 * handler writes its sockets itself and takes no sends.
 */
public final class ConnectionRegistry {

	private final ConnListenerRegistry listeners;

	/**
	 * Create a registry over the connections of the given listeners.
	 * @param listeners the listeners
	 */
	public ConnectionRegistry(ConnListenerRegistry listeners) {
		Assert.notNull(listeners, "'listeners' must not be null");
		this.listeners = listeners;
	}

	/**
	 * Return what an open connection is and has done.
	 * @param id the connection's id
	 * @return the connection, or empty if none is open with that id
	 */
	public Optional<ConnectionInfo> find(long id) {
		TrackedConnection connection = tracked(id);
		return (connection != null) ? Optional.of(ConnectionInfo.of(connection)) : Optional.empty();
	}

	/**
	 * Return every open connection of a listener, oldest first. As many as the listener's
	 * {@code max-connections} at most.
	 * @param listener the listener's name
	 * @return the connections
	 * @throws NoSuchElementException if no listener has that name
	 */
	public List<ConnectionInfo> list(String listener) {
		return list(listener, Order.AGE, Integer.MAX_VALUE);
	}

	/**
	 * Return the first open connections of a listener in an order.
	 * @param listener the listener's name
	 * @param order the order
	 * @param limit how many at most, more than 0
	 * @return the connections
	 * @throws NoSuchElementException if no listener has that name
	 */
	public List<ConnectionInfo> list(String listener, Order order, int limit) {
		Assert.notNull(order, "'order' must not be null");
		Assert.isTrue(limit > 0, "'limit' must be more than 0");
		ConnectionTracker tracker = this.listeners.get(listener).connections();
		// Take each connection once, so that its figures do not change while sorting.
		Comparator<ConnectionInfo> first = order.comparator;
		PriorityQueue<ConnectionInfo> kept = new PriorityQueue<>(first.reversed());
		for (TrackedConnection connection : tracker.connections()) {
			kept.add(ConnectionInfo.of(connection));
			if (kept.size() > limit) {
				kept.poll();
			}
		}
		List<ConnectionInfo> connections = new ArrayList<>(kept);
		connections.sort(first);
		return connections;
	}

	/**
	 * Close an open connection now, counted with reason {@code closed-by-operator}; its
	 * queued output is dropped. A raw handler's connection is shut down both ways instead:
	 * the handler learns of it at its next read or write, closes it and reports the close,
	 * which is when it leaves the list.
	 * @param id the connection's id
	 * @return {@code true} if it was open, {@code false} if none is open with that id
	 */
	public boolean close(long id) {
		TrackedConnection connection = tracked(id);
		if (connection == null) {
			return false;
		}
		connection.closeByOperator();
		return true;
	}

	/**
	 * Send bytes or a message to one connection, without waiting.
	 * @param id the connection's id
	 * @param message a {@code byte[]}, a {@code ByteBuffer} (copied) or a {@code String}
	 * (in the listener's framing charset, UTF-8 without framing)
	 * @return what became of it; {@link SendResult#CLOSED} if none is open with that id
	 * @throws IllegalStateException if the connection's handler takes no sends (raw,
	 * blocking)
	 * @throws IllegalArgumentException for a message of another type
	 */
	public SendResult send(long id, Object message) {
		TrackedConnection connection = tracked(id);
		if (connection == null) {
			return SendResult.CLOSED;
		}
		ByteBuffer payload = payload(message, this.listeners.get(connection.listenerName()));
		return send(connection.listenerName(), connection, payload);
	}

	/**
	 * Send bytes or a message to every open connection of a listener, without waiting.
	 * Connections whose output is above the write high watermark are skipped and counted.
	 * @param listener the listener's name
	 * @param message a {@code byte[]}, a {@code ByteBuffer} (copied) or a {@code String}
	 * (in the listener's framing charset, UTF-8 without framing)
	 * @return how many connections got it, were skipped, or had closed
	 * @throws NoSuchElementException if no listener has that name
	 * @throws IllegalStateException if the listener's handler takes no sends (raw,
	 * blocking)
	 * @throws IllegalArgumentException for a message of another type
	 */
	public BroadcastResult broadcast(String listener, Object message) {
		ManagedConnListener managed = this.listeners.get(listener);
		ByteBuffer payload = payload(message, managed);
		int sent = 0;
		int skipped = 0;
		int closed = 0;
		for (TrackedConnection connection : managed.connections().connections()) {
			switch (send(listener, connection, payload)) {
				case SENT -> sent++;
				case SKIPPED -> skipped++;
				case CLOSED -> closed++;
			}
		}
		return new BroadcastResult(sent, skipped, closed);
	}

	private SendResult send(String listener, TrackedConnection connection, ByteBuffer payload) {
		if (!connection.isServed()) {
			// Not handed to its handler style yet, on its loop, a moment ago.
			return SendResult.CLOSED;
		}
		ServedConnection served = connection.served();
		if (!served.canSend()) {
			throw new IllegalStateException("Connections of listener '" + listener + "' take no sends: its "
					+ served.style() + " handler writes them itself; send through a buffered or message handler");
		}
		SendResult result = served.send(payload);
		if (result == SendResult.SKIPPED) {
			this.listeners.get(listener).connections().sendSkipped();
		}
		return result;
	}

	private TrackedConnection tracked(long id) {
		for (ManagedConnListener listener : this.listeners.all()) {
			TrackedConnection connection = listener.connections().find(id);
			if (connection != null) {
				return connection;
			}
		}
		return null;
	}

	private static ByteBuffer payload(Object message, ManagedConnListener listener) {
		if (message instanceof byte[] bytes) {
			return ByteBuffer.wrap(bytes);
		}
		if (message instanceof ByteBuffer buffer) {
			// Copied: it is read later, on the connections' loops.
			return ByteBuffer.allocate(buffer.remaining()).put(buffer.duplicate()).flip();
		}
		if (message instanceof String text) {
			ListenerFraming framing = listener.framing();
			Charset charset = (framing != null) ? framing.charset() : StandardCharsets.UTF_8;
			return ByteBuffer.wrap(text.getBytes(charset));
		}
		throw new IllegalArgumentException("A message must be a String, a byte[] or a ByteBuffer, not "
				+ ((message != null) ? message.getClass().getName() : "null"));
	}

	/**
	 * The order of a list of connections.
	 */
	public enum Order {

		/** Oldest first. */
		AGE(Comparator.comparingLong(ConnectionInfo::id)),

		/** Most bytes first, both ways together; ties oldest first. */
		BYTES(Comparator.comparingLong(ConnectionInfo::bytes).reversed().thenComparingLong(ConnectionInfo::id));

		private final Comparator<ConnectionInfo> comparator;

		Order(Comparator<ConnectionInfo> comparator) {
			this.comparator = comparator;
		}

	}

}
