package io.connlistener.boot.handler;

/**
 * Serves one connection with blocking streams, on a thread of its own: a virtual thread
 * when the JVM offers them and {@code spring.threads.virtual.enabled} is set, otherwise a
 * thread of a pool bounded by the listener's {@code max-connections}.
 * <p>
 * The connection is closed when {@link #handle} returns or throws; a handler that throws
 * is logged and counted, and the listener goes on.
 */
@FunctionalInterface
public interface BlockingConnectionHandler {

	/**
	 * Serve a connection until the conversation is over.
	 * @param connection the connection
	 * @throws Exception if serving fails; the connection is then closed
	 */
	void handle(BlockingConnection connection) throws Exception;

}
