package io.connlistener.boot.testsupport;

import io.connlistener.AcceptCallback;
import io.connlistener.boot.handler.ConnectionHandler;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The handler of listener {@code echo} for tests that need one but not what it does: a raw
 * handler bean, {@code echoHandler}, that greets each connection with {@code echo} and
 * closes it.
 */
@Configuration(proxyBeanMethods = false)
public class EchoGreeterConfiguration {

	@Bean
	@ConnectionHandler("echo")
	AcceptCallback echoHandler() {
		return TestHandlers.greeter("echo");
	}

}
