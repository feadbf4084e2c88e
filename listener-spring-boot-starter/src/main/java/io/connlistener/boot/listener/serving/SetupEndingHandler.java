package io.connlistener.boot.listener.serving;

import io.connlistener.ConnectionSetup;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.buffer.ConnectionEvent;

/**
 * A {@link BufferedHandler} that ends its connection's {@link ConnectionSetup} at the first
 * read that finds input, when the first bytes are in, then passes every call on. Made only for a
 * connection whose setup is followed. Loop thread only.
 */
final class SetupEndingHandler implements BufferedHandler {

	private final BufferedHandler delegate;

	private ConnectionSetup setup;

	SetupEndingHandler(BufferedHandler delegate, ConnectionSetup setup) {
		this.delegate = delegate;
		this.setup = setup;
	}

	@Override
	public void onOpen(BufferedConnection connection) {
		this.delegate.onOpen(connection);
	}

	@Override
	public void onRead(BufferedConnection connection) {
		// A read is also triggered on resume, with an input that may still be empty.
		if (this.setup != null && !connection.input().isEmpty()) {
			this.setup.ready();
			this.setup = null;
		}
		this.delegate.onRead(connection);
	}

	@Override
	public void onWrite(BufferedConnection connection) {
		this.delegate.onWrite(connection);
	}

	@Override
	public void onEvent(BufferedConnection connection, ConnectionEvent event) {
		this.delegate.onEvent(connection, event);
	}

}
