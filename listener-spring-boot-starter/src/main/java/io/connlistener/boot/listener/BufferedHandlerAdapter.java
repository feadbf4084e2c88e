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
		BufferedConnection buffered = BufferedConnection.open(this.group.next(), connection.channel(),
				new CountingHandler(this.handler, connection.owner()), this.settings);
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
			try {
				this.delegate.onEvent(connection, event);
			}
			catch (RuntimeException ex) {
				this.owner.countHandlerFailure();
				throw ex;
			}
		}

	}

}
