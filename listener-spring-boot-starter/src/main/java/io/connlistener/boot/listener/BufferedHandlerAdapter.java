package io.connlistener.boot.listener;

import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.buffer.ConnectionEvent;
import io.connlistener.loop.EventLoopGroup;

/**
 * Serves each connection as a {@link BufferedConnection} on a loop of the I/O group, with
 * one shared {@link BufferedHandler}: the seed's bufferevent. The core logs a handler that
 * throws and closes its connection; the adapter counts it.
 * <p>
 * The listener's idle timeout is the core's idle timeout (no byte read or written, whatever
 * paused the connection), and its write timeout the core's write timeout (output the peer
 * takes no byte of, even when tried as the timeout runs out). A timeout is counted and told
 * to the handler, then the connection is closed whatever the handler did: at once on a write
 * timeout, and on an idle timeout after flushing what the handler wrote if the output was
 * empty before, as when the peer went silent, at once if it was stuck. A handler that wants
 * to outlive silence sets {@code idle-timeout} to 0 and keeps its own timers.
 */
final class BufferedHandlerAdapter implements HandlerAdapter {

	private final String beanName;

	private final BufferedHandler handler;

	private final EventLoopGroup group;

	private final BufferedConnectionSettings settings;

	BufferedHandlerAdapter(String beanName, BufferedHandler handler, EventLoopGroup group,
			BufferedConnectionSettings settings) {
		this.beanName = beanName;
		this.handler = handler;
		this.group = group;
		this.settings = settings;
	}

	@Override
	public void serve(TrackedConnection connection) {
		// The client's address: behind a proxy, the one its PROXY header gave.
		BufferedConnection buffered = BufferedConnection.open(this.group.next(), connection.channel(),
				new CountingHandler(this.handler, connection.owner()), this.settings, connection.remoteAddress());
		connection.closeWith(buffered::close);
		buffered.onClose(connection::release);
	}

	@Override
	public String describe() {
		return "buffered handler '" + this.beanName + "'";
	}

	/**
	 * Counts the failures of the handler it wraps, which the core then logs.
	 */
	private static final class CountingHandler implements BufferedHandler {

		private final BufferedHandler delegate;

		private final ManagedConnListener owner;

		CountingHandler(BufferedHandler delegate, ManagedConnListener owner) {
			this.delegate = delegate;
			this.owner = owner;
		}

		@Override
		public void onOpen(BufferedConnection connection) {
			try {
				this.delegate.onOpen(connection);
			}
			catch (RuntimeException ex) {
				this.owner.countHandlerFailure();
				throw ex;
			}
		}

		@Override
		public void onRead(BufferedConnection connection) {
			try {
				this.delegate.onRead(connection);
			}
			catch (RuntimeException ex) {
				this.owner.countHandlerFailure();
				throw ex;
			}
		}

		@Override
		public void onWrite(BufferedConnection connection) {
			try {
				this.delegate.onWrite(connection);
			}
			catch (RuntimeException ex) {
				this.owner.countHandlerFailure();
				throw ex;
			}
		}

		@Override
		public void onEvent(BufferedConnection connection, ConnectionEvent event) {
			boolean idle = event == ConnectionEvent.IDLE_TIMEOUT;
			// Read while the output is the handler's, before it writes a goodbye.
			boolean stuck = idle && connection.outputBufferedBytes() > 0;
			if (idle || event == ConnectionEvent.WRITE_TIMEOUT) {
				this.owner.countTimeout(!idle);
			}
			try {
				this.delegate.onEvent(connection, event);
			}
			catch (RuntimeException ex) {
				this.owner.countHandlerFailure();
				throw ex;
			}
			finally {
				if (idle && !stuck) {
					connection.closeAfterFlush();
				}
				else if (idle || event == ConnectionEvent.WRITE_TIMEOUT) {
					connection.close();
				}
			}
		}

	}

}
