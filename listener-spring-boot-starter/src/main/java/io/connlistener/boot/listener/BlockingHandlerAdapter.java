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
 * closes the connection when the handler returns or throws.
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
			// Not registered with any selector, so the channel may block again.
			connection.channel().configureBlocking(true);
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
		try {
			this.handler.handle(new StreamConnection(connection));
		}
		catch (Exception ex) {
			if (!connection.isForced()) {
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
			this.inputStream = ChannelStreams.inputStream(connection.channel());
			this.outputStream = ChannelStreams.outputStream(connection.channel());
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
