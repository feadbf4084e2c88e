package io.connlistener.boot.listener;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.lang.management.BufferPoolMXBean;
import java.lang.management.ManagementFactory;
import java.nio.charset.StandardCharsets;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.testsupport.OpenSockets;
import io.connlistener.boot.testsupport.TestHandlers;
import io.connlistener.buffer.BufferedHandler;

import org.springframework.boot.Banner;
import org.springframework.boot.WebApplicationType;
import org.springframework.boot.autoconfigure.ImportAutoConfiguration;
import org.springframework.boot.builder.SpringApplicationBuilder;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * An application with one buffered echo listener, in a JVM of its own started by
 * {@link IdleConnectionsTests}, so that the test's clients and the listener's connections
 * do not share one process's descriptor limit. Answers commands on standard input, one line
 * each: {@code memory} (after a full GC) and {@code exit}.
 */
public final class IdleConnectionsChild {

	private IdleConnectionsChild() {
	}

	public static void main(String[] args) throws Exception {
		ConfigurableApplicationContext context = new SpringApplicationBuilder(ChildApplication.class)
			.web(WebApplicationType.NONE)
			.bannerMode(Banner.Mode.OFF)
			.logStartupInfo(false)
			.properties("logging.level.root=warn", "conn-listener.io-threads=1",
					"conn-listener.defaults.address=127.0.0.1", "conn-listener.listeners.idle.port=0",
					"conn-listener.listeners.idle.max-connections=" + args[0])
			.run();
		ManagedConnListener idle = context.getBean(ConnListenerRegistry.class).get("idle");
		System.out.println("PORT " + idle.listener().localAddress().toString().replaceAll(".*:", ""));
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String command;
		while ((command = commands.readLine()) != null) {
			if (command.equals("memory")) {
				System.gc();
				System.gc();
				long heap = ManagementFactory.getMemoryMXBean().getHeapMemoryUsage().getUsed();
				long direct = ManagementFactory.getPlatformMXBeans(BufferPoolMXBean.class)
					.stream()
					.filter((pool) -> pool.getName().equals("direct"))
					.mapToLong(BufferPoolMXBean::getMemoryUsed)
					.sum();
				System.out.println("MEMORY heap=" + heap + " direct=" + direct + " active="
						+ idle.activeConnections() + " sockets=" + OpenSockets.count() + " idleTimeouts="
						+ idle.idleTimeouts());
			}
			else if (command.equals("exit")) {
				break;
			}
		}
		context.close();
		System.exit(0);
	}

	@Configuration(proxyBeanMethods = false)
	@ImportAutoConfiguration(ConnListenerAutoConfiguration.class)
	static class ChildApplication {

		@Bean
		@ConnectionHandler("idle")
		BufferedHandler idleHandler() {
			return TestHandlers.bufferedEcho();
		}

	}

}
