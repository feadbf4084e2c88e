package io.connlistener.boot.listener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;

import io.connlistener.boot.handler.BlockingConnection;
import io.connlistener.boot.handler.BlockingConnectionHandler;

/**
 * Runs a {@link BlockingConnectionHandler} on a thread of its own for each connection and
 * closes the connection when the handler returns or throws. The channel stays non-blocking:
 * its streams wait on the accepting loop's selector ({@link ChannelStreams}), so that a
 * timeout can tell a slow peer from a stalled one. A write the peer takes nothing of for the
 * listener's write timeout, or a read or write that waits while nothing moves either way for
 * its idle timeout, closes the connection, is counted as that timeout, and fails with a
 * {@link java.net.SocketTimeoutException}.
 */
final class BlockingHandlerAdapter implements HandlerAdapter {

	private static final Duration TERMINATION_WAIT = Duration.ofSeconds(1);

	private final String beanName;

	private final BlockingConnectionHandler handler;

	private final ExecutorService executor;

	BlockingHandlerAdapter(String beanName, BlockingConnectionHandler handler, ExecutorService executor) {
		this.beanName = beanName;
		this.handler = handler;
		this.executor = executor;
	}

	@Override
	public void serve(TrackedConnection connection) {
		try {
			// A listener may leave accepted sockets blocking; the streams need them not to.
			connection.channel().configureBlocking(false);
		}
		catch (IOException ex) {
			connection.close();
			return;
		}
		try {
			this.executor.execute(() -> run(connection));
		}
		catch (RejectedExecutionException ex) {
			connection.owner().rejected(connection, "no handler thread is free");
		}
	}

	private void run(TrackedConnection connection) {
		StreamConnection streams = new StreamConnection(connection);
		try {
			this.handler.handle(streams);
		}
		catch (Exception ex) {
			// A close on shutdown or on a timeout is counted as such, and a reset by the peer
			// that the handler rethrows is the peer's doing: neither is a handler failure.
			if (connection.isForced() || connection.isTimedOut()) {
				return;
			}
			if (ex instanceof IOException && connection.isIoFailed()) {
				connection.owner().peerFailed(connection, ex);
			}
			else {
				connection.owner().handlerFailed(connection, ex);
			}
		}
		finally {
			connection.close();
		}
	}

	@Override
	public void close() {
		this.executor.shutdownNow();
		try {
			this.executor.awaitTermination(TERMINATION_WAIT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public String describe() {
		return "blocking handler '" + this.beanName + "'";
	}

	/**
	 * The blocking view of a connection.
	 */
	private static final class StreamConnection implements BlockingConnection {

		private final TrackedConnection connection;

		private final InputStream inputStream;

		private final OutputStream outputStream;

		StreamConnection(TrackedConnection connection) {
			this.connection = connection;
			ListenerDefinition definition = connection.owner().definition();
			ChannelPoller poller = new ChannelPoller(connection.listener().loop(), connection.channel());
			connection.closeWith(poller::close);
			ChannelStreams streams = new ChannelStreams(connection.channel(), poller, definition.idleTimeout(),
					definition.writeTimeout(), (writing) -> connection.owner().timedOut(connection, writing),
					connection::ioFailed);
			this.inputStream = streams.inputStream();
			this.outputStream = streams.outputStream();
		}

		@Override
		public String listenerName() {
			return this.connection.owner().name();
		}

		@Override
		public InputStream inputStream() {
			return this.inputStream;
		}

		@Override
		public OutputStream outputStream() {
			return this.outputStream;
		}

		@Override
		public SocketAddress remoteAddress() {
			return this.connection.remoteAddress();
		}

		@Override
		public SocketAddress proxyAddress() {
			return this.connection.proxyAddress();
		}

		@Override
		public SocketAddress localAddress() {
			try {
				return this.connection.channel().getLocalAddress();
			}
			catch (IOException ex) {
				return null;
			}
		}

		@Override
		public void close() {
			this.connection.close();
		}

		@Override
		public String toString() {
			return this.connection.toString();
		}

	}

}
