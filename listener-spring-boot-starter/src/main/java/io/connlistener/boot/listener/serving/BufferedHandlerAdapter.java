package io.connlistener.boot.listener.serving;

import java.nio.ByteBuffer;
import java.util.function.BiConsumer;

import io.connlistener.ConnectionSetup;
import io.connlistener.boot.listener.tracking.CloseReason;
import io.connlistener.boot.listener.tracking.TrackedConnection;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.BufferedConnections;
import io.connlistener.buffer.BufferedConnections.LoopChoice;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.buffer.ConnectionEvent;
import io.connlistener.buffer.TrafficCounter;
import io.connlistener.loop.EventLoopGroup;

/**
 * Serves each connection as a {@link BufferedConnection} on a loop of the I/O group, through
 * core's {@link BufferedConnections}, with one shared {@link BufferedHandler}: the seed's
 * bufferevent. The core logs a handler that throws and closes its connection; the adapter
 * records why each connection closed.
 * <p>
 * The listener's idle timeout is the core's idle timeout (no byte read or written, whatever
 * paused the connection), and its write timeout the core's write timeout (output the peer
 * takes no byte of, even when tried as the timeout runs out). A timeout is told to the
 * handler, then the connection is closed whatever the handler did: at once on a write
 * timeout, and on an idle timeout after flushing what the handler wrote if the output was
 * empty before, as when the peer went silent, at once if it was stuck. A handler that wants
 * to outlive silence sets {@code idle-timeout} to 0 and keeps its own timers.
 * <p>
 * The listener's {@link TrafficCounter} is told of every read and write of the sockets; a
 * send from outside the handler (the connection registry's) is queued only while the output
 * is at or below the write high watermark, and never waits.
 */
final class BufferedHandlerAdapter implements HandlerAdapter {

	private final String beanName;

	private final BufferedHandler handler;

	private final BufferedConnections connections;

	BufferedHandlerAdapter(String beanName, BufferedHandler handler, EventLoopGroup group,
			BufferedConnectionSettings settings, TrafficCounter traffic) {
		this.beanName = beanName;
		this.handler = handler;
		// Every connection gets a handler of its own through open(); the supplier is never asked.
		this.connections = new BufferedConnections(group, () -> handler, settings, LoopChoice.ROUND_ROBIN, traffic);
	}

	@Override
	public void serve(TrackedConnection connection) {
		// BufferedConnections reports the close to the core listener; the tracked connection only counts it.
		TrackingHandler tracking = new TrackingHandler(this.handler, connection);
		connection.servedBy(tracking);
		BufferedConnection buffered = this.connections.open(connection.listener(), connection.accepted(), tracking);
		tracking.opened(buffered);
		connection.closeThrough(buffered::close);
		buffered.onClose(connection::releasedAndReported);
	}

	@Override
	public String describe() {
		return "buffered handler '" + this.beanName + "'";
	}

	/**
	 * Records, for the connection it serves, why the handler it wraps had it closed: a
	 * failure, which the core then logs, or a timeout; and serves the connection to the
	 * connections view and the registry's sends.
	 */
	private static final class TrackingHandler extends BufferedServedConnection implements BufferedHandler {

		// Unbound, so that a call allocates nothing: an echo in a steady state stays garbage-free.
		private static final BiConsumer<BufferedHandler, BufferedConnection> ON_OPEN = BufferedHandler::onOpen;

		private static final BiConsumer<BufferedHandler, BufferedConnection> ON_READ = BufferedHandler::onRead;

		private static final BiConsumer<BufferedHandler, BufferedConnection> ON_WRITE = BufferedHandler::onWrite;

		private final BufferedHandler delegate;

		private final TrackedConnection tracked;

		/** Ended by the first read, then dropped; {@code null} when nothing follows the setup. */
		private ConnectionSetup setup;

		TrackingHandler(BufferedHandler delegate, TrackedConnection tracked) {
			this.delegate = delegate;
			this.tracked = tracked;
			this.setup = tracked.accepted().setup();
		}

		void opened(BufferedConnection connection) {
			this.connection = connection;
		}

		@Override
		public String style() {
			return "buffered";
		}

		@Override
		boolean queue(BufferedConnection connection, ByteBuffer payload) {
			if (connection.loop().inEventLoop()) {
				connection.write(payload);
				return true;
			}
			// The loop copies nothing: the payload is read there, once it is queued.
			return this.output.handToLoop(connection, payload.remaining(), () -> connection.write(payload), () -> {
			});
		}

		@Override
		public void onOpen(BufferedConnection connection) {
			// Set here too: the loop may open the connection before serve() has returned.
			this.connection = connection;
			call(ON_OPEN, connection);
		}

		@Override
		public void onRead(BufferedConnection connection) {
			// A read is also triggered on resume, with an input that may still be empty.
			if (this.setup != null && !connection.input().isEmpty()) {
				this.setup.ready();
				this.setup = null;
			}
			call(ON_READ, connection);
		}

		@Override
		public void onWrite(BufferedConnection connection) {
			call(ON_WRITE, connection);
		}

		@Override
		public void onEvent(BufferedConnection connection, ConnectionEvent event) {
			boolean idle = event == ConnectionEvent.IDLE_TIMEOUT;
			boolean timeout = idle || event == ConnectionEvent.WRITE_TIMEOUT;
			// Read while the output is the handler's, before it writes a goodbye.
			boolean stuck = idle && connection.outputBufferedBytes() > 0;
			if (timeout) {
				this.tracked.closing(idle ? CloseReason.IDLE_TIMEOUT : CloseReason.WRITE_TIMEOUT);
			}
			try {
				this.delegate.onEvent(connection, event);
			}
			catch (RuntimeException ex) {
				this.tracked.closing(CloseReason.HANDLER_FAILED);
				throw ex;
			}
			finally {
				if (idle && !stuck) {
					connection.closeAfterFlush();
				}
				else if (timeout) {
					connection.close();
				}
			}
		}

		private void call(BiConsumer<BufferedHandler, BufferedConnection> callback, BufferedConnection connection) {
			try {
				callback.accept(this.delegate, connection);
			}
			catch (RuntimeException ex) {
				this.tracked.closing(CloseReason.HANDLER_FAILED);
				throw ex;
			}
		}

	}

}
