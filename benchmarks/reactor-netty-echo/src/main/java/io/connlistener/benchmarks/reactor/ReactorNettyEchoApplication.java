package io.connlistener.benchmarks.reactor;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import reactor.netty.DisposableServer;
import reactor.netty.tcp.TcpServer;

import org.springframework.beans.factory.annotation.Value;
import org.springframework.boot.SpringApplication;
import org.springframework.boot.autoconfigure.SpringBootApplication;
import org.springframework.context.annotation.Bean;

/**
 * The echo server a Spring Boot team would write without connlistener: Reactor Netty's
 * {@code TcpServer} bound by one bean, as Reactor Netty's reference guide writes it, each
 * connection's input sent back as it comes. Listens on {@code echo.address}:{@code echo.port}
 * ({@code 127.0.0.1:9876}; port 0 picks a free one) and logs the port it bound. Reactor
 * Netty's threads are daemons, so {@code spring.main.keep-alive} keeps the JVM running.
 */
@SpringBootApplication
public class ReactorNettyEchoApplication {

	private static final Log logger = LogFactory.getLog(ReactorNettyEchoApplication.class);

	@Bean(destroyMethod = "disposeNow")
	DisposableServer reactorNettyEchoServer(@Value("${echo.address}") String address, @Value("${echo.port}") int port) {
		DisposableServer server = TcpServer.create()
			.host(address)
			.port(port)
			.handle((in, out) -> out.send(in.receive().retain()))
			.bindNow();
		logger.info("Reactor Netty echo server 'echo' on " + server.host() + ":" + server.port());
		return server;
	}

	public static void main(String[] args) {
		SpringApplication.run(ReactorNettyEchoApplication.class, args);
	}

}
