package io.connlistener.boot.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Marks the bean that serves the connections of one listener, configured under
 * {@code conn-listener.listeners.<name>}. Put it on a bean class ({@code @Component}) or
 * on a {@code @Bean} method; the annotation does not register a bean by itself.
 * <p>
 * The bean implements one handler style:
 * <ul>
 * <li>{@link io.connlistener.AcceptCallback}: the raw accepted {@code SocketChannel} on the
 * acceptor loop thread (libevent's {@code evconnlistener_cb}); it must not block and it owns
 * the channel, which it closes when done, and reports the close with
 * {@code listener.connectionClosed(remoteAddress)} on the listener it was given, as in core;
 * that frees the connection's place at once and tells the starter it ended;</li>
 * <li>{@link io.connlistener.buffer.BufferedHandler}: a non-blocking, buffered connection on
 * a loop of the I/O group (libevent's {@code bufferevent}); one bean serves every
 * connection, so it keeps no per-connection state in fields;</li>
 * <li>{@link BlockingConnectionHandler}: streams on a thread of its own, closed for it on
 * return.</li>
 * </ul>
 * Every configured listener needs exactly one handler, and every handler must name a
 * configured listener; otherwise the application fails to start and says what to change.
 */
@Target({ ElementType.TYPE, ElementType.METHOD })
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface ConnectionHandler {

	/**
	 * Name of the listener the bean serves: the key under {@code conn-listener.listeners}.
	 * @return the listener name
	 */
	String value();

}
