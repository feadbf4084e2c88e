package io.connlistener.buffer;

import java.lang.System.Logger.Level;

/**
 * Calls the {@link BufferedHandler} of a {@link BufferedConnection}: every callback goes
 * through {@link #call} alone, which counts a handler that throws, closes its connection,
 * and settles what the handler asked for once the outermost callback returns.
 * <p>
 * Loop thread only. While a callback runs, the connection defers what it would do to the
 * socket (flushing, changing its interest): the handler may queue output, enable or disable
 * directions and close in any order, and the socket sees the outcome once.
 */
final class HandlerCalls {

	private static final System.Logger logger = System.getLogger(BufferedConnection.class.getName());

	private final BufferedConnection connection;

	private final BufferedHandler handler;

	private final BufferedSocket socket;

	private final LoopResources resources;

	private int depth;

	HandlerCalls(BufferedConnection connection, BufferedHandler handler, BufferedSocket socket,
			LoopResources resources) {
		this.connection = connection;
		this.handler = handler;
		this.socket = socket;
		this.resources = resources;
	}

	/**
	 * Return whether a callback is running, perhaps one that called into the connection.
	 * @return {@code true} inside a callback
	 */
	boolean inCallback() {
		return this.depth > 0;
	}

	void onOpen() {
		call(Callback.OPEN, null);
	}

	void onRead() {
		call(Callback.READ, null);
	}

	void onWrite() {
		call(Callback.WRITE, null);
	}

	void onEvent(ConnectionEvent event) {
		call(Callback.EVENT, event);
	}

	private void call(Callback callback, ConnectionEvent event) {
		// No callback after close: only the close hooks run then.
		if (this.socket.state() == ConnectionState.FREED) {
			return;
		}
		this.depth++;
		try {
			switch (callback) {
				case OPEN -> this.handler.onOpen(this.connection);
				case READ -> this.handler.onRead(this.connection);
				case WRITE -> this.handler.onWrite(this.connection);
				case EVENT -> this.handler.onEvent(this.connection, event);
			}
		}
		catch (Throwable ex) {
			failed(callback, event, ex);
		}
		finally {
			this.depth--;
		}
		if (this.depth == 0) {
			this.socket.callbackReturned();
		}
	}

	private void failed(Callback callback, ConnectionEvent event, Throwable ex) {
		this.resources.recordHandlerFailure();
		if (this.socket.state() != ConnectionState.FREED) {
			String name = (event != null) ? callback.method + "(" + event + ")" : callback.method;
			logger.log(Level.WARNING, "Handler " + this.handler + " failed in " + name + " for the connection from "
					+ this.connection.remoteAddress() + "; closing the connection", ex);
		}
		this.socket.free();
	}

	private enum Callback {

		OPEN("onOpen"), READ("onRead"), WRITE("onWrite"), EVENT("onEvent");

		private final String method;

		Callback(String method) {
			this.method = method;
		}

	}

}
