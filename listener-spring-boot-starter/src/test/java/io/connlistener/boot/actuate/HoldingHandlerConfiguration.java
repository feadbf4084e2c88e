package io.connlistener.boot.actuate;

import java.io.IOException;
import java.nio.channels.SocketChannel;
import java.util.Queue;
import java.util.concurrent.ConcurrentLinkedQueue;

import io.connlistener.AcceptCallback;
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
		return (listener, channel, remoteAddress) -> held.channels.add(channel);
	}

	/**
	 * The connections the handler holds.
	 */
	public static final class Held {

		private final Queue<SocketChannel> channels = new ConcurrentLinkedQueue<>();

		/**
		 * Return how many connections are held.
		 * @return the count
		 */
		public int size() {
			return this.channels.size();
		}

		/**
		 * Close every held connection.
		 */
		public void closeAll() {
			SocketChannel channel;
			while ((channel = this.channels.poll()) != null) {
				try {
					channel.close();
				}
				catch (IOException ex) {
					// Already gone.
				}
			}
		}

	}

}
