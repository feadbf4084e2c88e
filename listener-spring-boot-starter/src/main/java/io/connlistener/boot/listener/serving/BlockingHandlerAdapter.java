package io.connlistener.boot.listener.serving;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketAddress;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

import io.connlistener.ConnectionSetup;
import io.connlistener.boot.handler.BlockingConnection;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.listener.tracking.CloseReason;
import io.connlistener.boot.listener.tracking.ServedConnection;
import io.connlistener.boot.listener.tracking.TrackedConnection;
import io.connlistener.buffer.TrafficCounter;
import io.connlistener.tls.TlsChannel;
import io.connlistener.tls.TlsInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * Runs a {@link BlockingConnectionHandler} on a thread of its own for each connection and
 * closes the connection when the handler returns or throws. The channel stays non-blocking:
 * its streams wait on the accepting loop's selector ({@link ChannelStreams}), so that a
 * timeout can tell a slow peer from a stalled one. A write the peer takes nothing of for the
 * listener's write timeout, or a read or write that waits while nothing moves either way for
 * its idle timeout, closes the connection, is counted as that timeout, and fails with a
 * {@link java.net.SocketTimeoutException}. On a TLS listener the streams carry plaintext
 * through core's {@link TlsChannel}, and closing sends close_notify. The streams' transport
 * counts the socket's bytes (over TLS the records) for the listener's
 * {@link TrafficCounter}; the handler writes its streams itself, so the connection takes no
 * sends from outside.
 */
final class BlockingHandlerAdapter implements HandlerAdapter {

	private static final Log logger = LogFactory.getLog(BlockingHandlerAdapter.class);

	private static final ServedConnection WAITING_FOR_THREAD = new ServedConnection() {

		@Override
		public String style() {
			return "blocking";
		}

		@Override
		public long bytesReceived() {
			return 0;
		}

		@Override
		public long bytesSent() {
			return 0;
		}

	};

	private final String beanName;

	private final BlockingConnectionHandler handler;

	private final HandlerThreads threads;

	private final Duration idleTimeout;

	private final Duration writeTimeout;

	private final TrafficCounter traffic;

	BlockingHandlerAdapter(String beanName, BlockingConnectionHandler handler, HandlerThreads threads,
			Duration idleTimeout, Duration writeTimeout, TrafficCounter traffic) {
		this.beanName = beanName;
		this.handler = handler;
		this.threads = threads;
		this.idleTimeout = idleTimeout;
		this.writeTimeout = writeTimeout;
		this.traffic = traffic;
	}

	@Override
	public void serve(TrackedConnection connection) {
		// Its streams take over once a handler thread has it; until then nothing moved.
		connection.servedBy(WAITING_FOR_THREAD);
		try {
			// A listener may leave accepted sockets blocking; the streams need them not to.
			connection.channel().configureBlocking(false);
		}
		catch (IOException ex) {
			connection.close(CloseReason.PEER_FAILED);
			return;
		}
		try {
			this.threads.execute(() -> run(connection));
		}
		catch (RejectedExecutionException ex) {
			connection.close(CloseReason.NO_HANDLER_THREAD);
			if (logger.isDebugEnabled()) {
				logger.debug("Closed the " + connection + ": no handler thread is free");
			}
		}
	}

	private void run(TrackedConnection connection) {
		StreamConnection streams = new StreamConnection(connection, this.idleTimeout, this.writeTimeout,
				this.traffic);
		try {
			this.handler.handle(streams);
		}
		catch (Exception ex) {
			failed(connection, ex);
		}
		finally {
			connection.close(CloseReason.CLOSED);
		}
	}

	/**
	 * Record why a handler that threw ended: a close on shutdown or on a timeout is counted
	 * as such, and a reset by the peer that the handler rethrows is the peer's doing, so
	 * neither is a failure of the handler.
	 */
	private static void failed(TrackedConnection connection, Exception ex) {
		CloseReason reason = connection.reason();
		if (reason != null && reason.isListenersDoing()) {
			return;
		}
		if (ex instanceof IOException && reason == CloseReason.PEER_FAILED) {
			if (logger.isDebugEnabled()) {
				logger.debug("Closed the " + connection + " after its I/O failed: " + ex);
			}
			return;
		}
		connection.closing(CloseReason.HANDLER_FAILED);
		logger.warn("Handler of listener '" + connection.listenerName() + "' failed; closed the " + connection, ex);
	}

	@Override
	public void close() {
		this.threads.close();
	}

	@Override
	public String describe() {
		return "blocking handler '" + this.beanName + "'";
	}

	/**
	 * The blocking view of a connection, and what the connections view shows of it.
	 */
	private static final class StreamConnection implements BlockingConnection, ServedConnection {

		private final TrackedConnection connection;

		private final InputStream inputStream;

		private final OutputStream outputStream;

		private final TlsInfo tls;

		private final StreamTransport transport;

		StreamConnection(TrackedConnection connection, Duration idleTimeout, Duration writeTimeout,
				TrafficCounter traffic) {
			this.connection = connection;
			TlsChannel tls = connection.accepted().tls();
			this.tls = (tls != null) ? tls.info() : null;
			ChannelPoller poller = new ChannelPoller(connection.listener().loop(), connection.channel());
			// Over TLS the streams read and write the TLS channel, which closes with a close_notify.
			StreamTransport transport = (tls != null) ? new TlsStreamTransport(tls, traffic)
					: StreamTransport.of(connection.channel(), traffic);
			this.transport = transport;
			connection.closeWith(() -> {
				transport.close();
				poller.close();
			});
			ChannelStreams streams = new ChannelStreams(transport, poller, idleTimeout, writeTimeout,
					(writing) -> timedOut(connection, writing), () -> connection.closing(CloseReason.PEER_FAILED));
			ConnectionSetup setup = connection.accepted().setup();
			this.inputStream = (setup != null) ? new SetupEndingInputStream(streams.inputStream(), setup)
					: streams.inputStream();
			this.outputStream = streams.outputStream();
			connection.servedBy(this);
		}

		@Override
		public String style() {
			return "blocking";
		}

		@Override
		public long bytesReceived() {
			return this.transport.receivedOnSocket();
		}

		@Override
		public long bytesSent() {
			return this.transport.sentOnSocket();
		}

		private static void timedOut(TrackedConnection connection, boolean writing) {
			connection.close(writing ? CloseReason.WRITE_TIMEOUT : CloseReason.IDLE_TIMEOUT);
			if (logger.isDebugEnabled()) {
				logger.debug("Closed the " + connection + ": "
						+ (writing ? "a write waited for the write timeout" : "nothing moved for the idle timeout"));
			}
		}

		@Override
		public String listenerName() {
			return this.connection.listenerName();
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
		public TlsInfo tls() {
			return this.tls;
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
			this.connection.close(CloseReason.CLOSED);
		}

		@Override
		public String toString() {
			return this.connection.toString();
		}

	}

}
