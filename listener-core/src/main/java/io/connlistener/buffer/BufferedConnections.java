package io.connlistener.buffer;

import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.function.Supplier;

import io.connlistener.AcceptCallback;
import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;

/**
 * An {@link AcceptCallback} that serves every accepted connection as a
 * {@link BufferedConnection} on one of the loops of an {@link EventLoopGroup}: the seed's
 * {@code accept_conn_cb}, spread over cores. Each connection gets a handler from a supplier
 * (or shares one), and the listener is told when it closes
 * ({@link ConnListener#connectionClosed()}), so that its active count and its accept backoff
 * stay right.
 * <p>
 * Thread-safe: {@link #onAccept} runs on the listener's loop; the handlers run on the
 * connections' loops.
 */
public final class BufferedConnections implements AcceptCallback {

	private final EventLoopGroup group;

	private final Supplier<? extends BufferedHandler> handlers;

	private final BufferedConnectionSettings settings;

	private final LoopChoice loopChoice;

	private final TrafficCounter traffic;

	private final Set<BufferedConnection> connections = ConcurrentHashMap.newKeySet();

	/**
	 * Create the callback with the default settings that hands connections round-robin.
	 * @param group the loops that serve connections
	 * @param handlers gives the handler of each new connection
	 */
	public BufferedConnections(EventLoopGroup group, Supplier<? extends BufferedHandler> handlers) {
		this(group, handlers, BufferedConnectionSettings.DEFAULTS, LoopChoice.ROUND_ROBIN);
	}

	/**
	 * Create the callback.
	 * @param group the loops that serve connections
	 * @param handlers gives the handler of each new connection
	 * @param settings buffer sizes, watermarks and timeouts of each connection
	 * @param loopChoice how to pick the loop of a new connection
	 */
	public BufferedConnections(EventLoopGroup group, Supplier<? extends BufferedHandler> handlers,
			BufferedConnectionSettings settings, LoopChoice loopChoice) {
		this(group, handlers, settings, loopChoice, TrafficCounter.NONE);
	}

	/**
	 * Create the callback, telling a counter of the bytes its connections' sockets move.
	 * @param group the loops that serve connections
	 * @param handlers gives the handler of each new connection
	 * @param settings buffer sizes, watermarks and timeouts of each connection
	 * @param loopChoice how to pick the loop of a new connection
	 * @param traffic told of every read and write that moved bytes, on the connections'
	 * loops
	 */
	public BufferedConnections(EventLoopGroup group, Supplier<? extends BufferedHandler> handlers,
			BufferedConnectionSettings settings, LoopChoice loopChoice, TrafficCounter traffic) {
		this.group = Objects.requireNonNull(group, "'group' must not be null");
		this.handlers = Objects.requireNonNull(handlers, "'handlers' must not be null");
		this.settings = Objects.requireNonNull(settings, "'settings' must not be null");
		this.loopChoice = Objects.requireNonNull(loopChoice, "'loopChoice' must not be null");
		this.traffic = Objects.requireNonNull(traffic, "'traffic' must not be null");
	}

	/**
	 * Create a callback whose connections all share one handler, which must then keep no
	 * per-connection state.
	 * @param group the loops that serve connections
	 * @param handler the shared handler
	 * @param settings buffer sizes, watermarks and timeouts of each connection
	 * @return the callback
	 */
	public static BufferedConnections shared(EventLoopGroup group, BufferedHandler handler,
			BufferedConnectionSettings settings) {
		Objects.requireNonNull(handler, "'handler' must not be null");
		return new BufferedConnections(group, () -> handler, settings, LoopChoice.ROUND_ROBIN);
	}

	/**
	 * Open a buffered connection for the accepted channel. If this throws, the listener
	 * closes the channel and counts the connection as closed.
	 */
	@Override
	public void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
		open(listener, AcceptedConnection.direct(channel, remoteAddress), this.handlers.get());
	}

	@Override
	public void onAccept(ConnListener listener, AcceptedConnection connection) {
		open(listener, connection, this.handlers.get());
	}

	/**
	 * Serve an accepted connection as a buffered connection on one of the group's loops,
	 * with the given handler, and report its close to the listener: for callers that wrap
	 * each connection's handler, or add close hooks of their own.
	 * @param listener the listener that accepted the connection
	 * @param accepted the connection; behind a proxy its remote address is the client's,
	 * which is also the address the listener counts under a per-IP cap; on a TLS listener
	 * served over its {@linkplain AcceptedConnection#tls() TLS channel}
	 * @param handler the connection's handler
	 * @return the connection, opening on its loop
	 */
	public BufferedConnection open(ConnListener listener, AcceptedConnection accepted, BufferedHandler handler) {
		Objects.requireNonNull(handler, "Handler supplier returned null");
		EventLoop loop = (this.loopChoice == LoopChoice.LEAST_LOADED) ? this.group.leastLoaded() : this.group.next();
		SocketAddress remoteAddress = accepted.remoteAddress();
		BufferedConnection connection = BufferedConnection.open(loop, accepted, handler, this.settings, this.traffic);
		this.connections.add(connection);
		connection.onClose(() -> {
			this.connections.remove(connection);
			listener.connectionClosed(remoteAddress);
		});
		return connection;
	}

	/**
	 * Return how many connections this callback opened that are not freed yet.
	 * @return the number of open connections
	 */
	public int openConnections() {
		return this.connections.size();
	}

	/**
	 * Close every connection this callback opened that is still open, for instance once a
	 * graceful shutdown has waited long enough. Connections close on their loops.
	 * @return how many connections were asked to close
	 */
	public int closeAll() {
		int closed = 0;
		for (BufferedConnection connection : this.connections) {
			if (connection.isOpen()) {
				connection.close();
				closed++;
			}
		}
		return closed;
	}

	/**
	 * Return the settings of the connections this callback opens.
	 * @return the settings
	 */
	public BufferedConnectionSettings settings() {
		return this.settings;
	}

	/**
	 * How the callback picks the loop of a new connection.
	 */
	public enum LoopChoice {

		/** Each loop in turn ({@link EventLoopGroup#next()}). */
		ROUND_ROBIN,

		/** The loop with the fewest registered channels ({@link EventLoopGroup#leastLoaded()}). */
		LEAST_LOADED

	}

}
