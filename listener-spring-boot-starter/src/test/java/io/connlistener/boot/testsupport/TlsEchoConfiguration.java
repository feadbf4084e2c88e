package io.connlistener.boot.testsupport;

import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.buffer.BufferedHandler;

import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * The handler of listener {@code gateway} for TLS tests that need one but not what it does:
 * a buffered echo, a style that sees plaintext over TLS.
 */
@Configuration(proxyBeanMethods = false)
public class TlsEchoConfiguration {

	@Bean
	@ConnectionHandler("gateway")
	BufferedHandler gatewayHandler() {
		return TestHandlers.bufferedEcho();
	}

}
