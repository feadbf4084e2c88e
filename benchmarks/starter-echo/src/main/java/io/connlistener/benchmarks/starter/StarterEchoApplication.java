package io.connlistener.benchmarks.starter;

import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedHandler;

import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The Reactor Netty echo app's counterpart on connlistener: {@code spring-boot-starter}, the
 * connlistener starter and one buffered handler that moves each connection's input to its
 * output, on listener {@code echo} ({@code 127.0.0.1:9876}; port 0 picks a free one). No
 * Actuator, no web server: what the starter itself adds to a Boot application's startup.
 */
@SpringBootApplication
public class StarterEchoApplication {

	@Bean
	@ConnectionHandler("echo")
	BufferedHandler echoHandler() {
		return new Echo();
	}

	public static void main(String[] args) {
		SpringApplication.run(StarterEchoApplication.class, args);
	}

	/**
	 * Sends back what it reads, and stops reading while the peer is slower.
	 */
	static final class Echo implements BufferedHandler {

		@Override
		public void onRead(BufferedConnection connection) {
			connection.input().moveTo(connection.output());
			if (!connection.isWritable()) {
				connection.disableRead();
			}
		}

		@Override
		public void onWrite(BufferedConnection connection) {
			connection.enableRead();
		}

	}

}
