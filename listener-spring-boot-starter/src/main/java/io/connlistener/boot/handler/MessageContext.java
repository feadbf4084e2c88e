package io.connlistener.boot.handler;

import java.net.SocketAddress;
import java.util.Map;

import io.connlistener.tls.TlsInfo;

/**
 * One connection of a {@link MessageHandler}: who the peer is, what the handler keeps for
 * it, and a way to send it more than replies.
 * <p>
 * Safe to use from any thread.
 */
public interface MessageContext {

	/**
	 * Return the name of the listener that accepted the connection.
	 * @return the listener name
	 */
	String listenerName();

	/**
	 * Return the connection's id: the one {@code ConnectionRegistry} (to send to it or close
	 * it from elsewhere), the Actuator's {@code connections} view and the traces of its
	 * observations know it by; unique in the process.
	 * @return the id
	 */
	long connectionId();

	/**
	 * Return the client's address: the peer's, or on a listener that requires the PROXY
	 * protocol, the source address of the header the proxy sent.
	 * @return the remote address
	 */
	SocketAddress remoteAddress();

	/**
	 * Return what the connection's TLS session is, on a listener that serves TLS.
	 * @return the TLS information, or {@code null} for a connection without TLS
	 */
	TlsInfo tls();

	/**
	 * Return the handler's own values for this connection, kept until it closes.
	 * @return a thread-safe map, empty when the connection opens
	 */
	Map<String, Object> attributes();

	/**
	 * Send a message besides the replies, encoded with the listener's framing: a
	 * {@link String} (in the listener's {@code framing.charset}), a {@code byte[]} or a
	 * {@link java.nio.ByteBuffer}. Messages sent from one thread go out in the order sent,
	 * and a reply goes out after what its handler sent before returning.
	 * <p>
	 * Bounded: while the connection's output holds more than the write high watermark, a
	 * call off the event loop waits until the peer has read it down to the low watermark,
	 * the connection closes, or the listener's write timeout (30 seconds when it has none)
	 * passes, which closes the connection as a write timeout. A call on an event loop
	 * thread, which must not wait, is refused then. A message sent after the connection
	 * closed is dropped.
	 * @param message the message
	 * @return {@code true} if the message was queued, {@code false} if it was dropped
	 * because the connection is closed or the output stayed full
	 * @throws IllegalArgumentException if the message is of another type
	 */
	boolean send(Object message);

	/**
	 * Close the connection after the output queued so far is written. Idempotent.
	 */
	void close();

	/**
	 * Return whether the connection is open.
	 * @return {@code false} once it closed or began to close
	 */
	boolean isOpen();

}
