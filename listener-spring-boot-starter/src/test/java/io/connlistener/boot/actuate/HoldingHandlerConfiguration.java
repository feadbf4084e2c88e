package io.connlistener.boot.actuate;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.connlistener.AcceptCallback;
import io.connlistener.ConnListener;
import io.connlistener.boot.handler.ConnectionHandler;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * A raw handler for listener {@code echo} that keeps every connection open until the test
 * closes it.
 */
@Configuration(proxyBeanMethods = false)
public class HoldingHandlerConfiguration {

	/** Properties of one listener on a free loopback port. */
	public static final String[] ECHO_ON_LOOPBACK = { "conn-listener.listeners.echo.port=0",
			"conn-listener.listeners.echo.address=127.0.0.1" };

	@Bean
	Held held() {
		return new Held();
	}

	@Bean
	@ConnectionHandler("echo")
	AcceptCallback holdingHandler(Held held) {
		return (listener, channel, remoteAddress) -> held.connections.add(new Held.Connection(listener, channel,
				remoteAddress));
	}

	/**
	 * The connections the handler holds.
	 */
	public static final class Held {

		private final Queue<Connection> connections = new ConcurrentLinkedQueue<>();

		/**
		 * Return how many connections are held.
		 * @return the count
		 */
		public int size() {
			return this.connections.size();
		}

		/**
		 * Close every held connection, and report each close to its listener.
		 */
		public void closeAll() {
			Connection connection;
			while ((connection = this.connections.poll()) != null) {
				try {
					connection.channel().close();
				}
				catch (IOException ex) {
					// Already gone.
				}
				connection.listener().connectionClosed(connection.remoteAddress());
			}
		}

		private record Connection(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
		}

	}

}
