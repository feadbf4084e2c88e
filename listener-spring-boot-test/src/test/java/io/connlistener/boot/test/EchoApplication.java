package io.connlistener.boot.test;

import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedHandler;

import org.springframework.boot.SpringBootConfiguration;
import org.springframework.boot.autoconfigure.EnableAutoConfiguration;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;
import org.springframework.context.annotation.Import;

/**
 * The application of the tests: listener {@code echo}, configured by each test, sends back
 * what it receives.
 */
@SpringBootConfiguration(proxyBeanMethods = false)
@EnableAutoConfiguration
@Import(EchoApplication.EchoHandlerConfiguration.class)
class EchoApplication {

	/**
	 * The handler alone, for an {@code ApplicationContextRunner}.
	 */
	@Configuration(proxyBeanMethods = false)
	static class EchoHandlerConfiguration {

		@Bean
		@ConnectionHandler("echo")
		BufferedHandler echoHandler() {
			return new BufferedHandler() {

				@Override
				public void onRead(BufferedConnection connection) {
					connection.input().moveTo(connection.output());
				}

			};
		}

	}

}
