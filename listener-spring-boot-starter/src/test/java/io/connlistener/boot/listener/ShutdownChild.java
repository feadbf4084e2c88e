package io.connlistener.boot.listener;

import java.nio.charset.StandardCharsets;
import java.util.concurrent.CountDownLatch;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedHandler;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An application with one buffered listener, in a JVM of its own started by
 * {@link ShutdownTests}, which ends it with SIGTERM as a service manager does. Its handler
 * answers each line: {@code toggle} disables and enables the listener on the loop thread,
 * {@code hang} blocks the loop thread for good, anything else is echoed. Prints
 * {@code PORT <port>} once started; the arguments are Spring Boot properties.
 */
public final class ShutdownChild {

	private ShutdownChild() {
	}

	public static void main(String[] args) {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ChildApplication.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("logging.level.root=warn", "conn-listener.io-threads=2",
					"conn-listener.defaults.address=127.0.0.1", "conn-listener.listeners.echo.port=0")
			.run(args);
		ManagedConnListener echo = context.getBean(ConnListenerRegistry.class).get("echo");
		System.out.println("PORT " + echo.localAddress().toString().replaceAll(".*:", ""));
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ConnListenerAutoConfiguration.class)
	static class ChildApplication {

		@Bean
		@ConnectionHandler("echo")
		BufferedHandler shutdownHandler(ObjectProvider<ConnListenerRegistry> registry) {
			return new BufferedHandler() {

				private final CountDownLatch never = new CountDownLatch(1);

				@Override
				public void onRead(BufferedConnection connection) {
					String line;
					while ((line = connection.input().readLine(StandardCharsets.UTF_8)) != null) {
						if (line.equals("toggle")) {
							ManagedConnListener echo = registry.getObject().get("echo");
							echo.disable();
							echo.enable();
						}
						else if (line.equals("hang")) {
							awaitForever();
						}
						connection.output().add(line + "\n", StandardCharsets.UTF_8);
					}
				}

				private void awaitForever() {
					try {
						this.never.await();
					}
					catch (InterruptedException ex) {
						Thread.currentThread().interrupt();
					}
				}

			};
		}

	}

}
