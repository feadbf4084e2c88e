package io.connlistener.boot.listener;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import org.springframework.context.ApplicationContext;
import org.springframework.context.ApplicationListener;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.MutablePropertySources;
import org.springframework.core.env.PropertySource;
import org.springframework.util.Assert;

/**
 * Publishes where each listener listens, once it has bound, in the environment of its
 * application context and of every parent context, as Spring Boot publishes
 * {@code local.server.port}: {@code local.conn-listener.<name>.port} for a TCP listener (the
 * port picked for port 0), {@code local.conn-listener.<name>.path} for a Unix domain socket
 * (the socket file, as the listener reports it). For tests, mostly:
 * {@code @Value("${local.conn-listener.echo.port}")} on a test's field.
 * <p>
 * The values are published on every {@link ConnListenerStartedEvent}, so once per start
 * of the context: a listener bound again after {@code unbind-on-disable} takes the port it
 * had, while a context stopped and started again binds port 0 anew, and publishes the new
 * port. They stay after the context stops, as {@code local.server.port} does. They live in
 * a property source of their own, {@value #PROPERTY_SOURCE_NAME}, first in order.
 */
public final class ConnListenerPortInfoPublisher implements ApplicationListener<ConnListenerStartedEvent> {

	/**
	 * Name of the property source that holds the values.
	 */
	public static final String PROPERTY_SOURCE_NAME = "conn-listener.ports";

	private static final String PREFIX = "local.conn-listener.";

	private final ApplicationContext context;

	/**
	 * Create a publisher.
	 * @param context the application context whose listeners it publishes, in whose
	 * environment and in its parents' it publishes them
	 */
	public ConnListenerPortInfoPublisher(ApplicationContext context) {
		Assert.notNull(context, "'context' must not be null");
		this.context = context;
	}

	/**
	 * Return the name of the property that holds the port of a TCP listener.
	 * @param listener the listener's name
	 * @return {@code local.conn-listener.<listener>.port}
	 */
	public static String portProperty(String listener) {
		return PREFIX + listener + ".port";
	}

	/**
	 * Return the name of the property that holds the socket file of a Unix domain socket
	 * listener.
	 * @param listener the listener's name
	 * @return {@code local.conn-listener.<listener>.path}
	 */
	public static String pathProperty(String listener) {
		return PREFIX + listener + ".path";
	}

	@Override
	public void onApplicationEvent(ConnListenerStartedEvent event) {
		// A child context's events reach its parents' listeners as well: publishing there
		// too does what the child's own publisher does, in fewer environments.
		ManagedConnListener listener = event.getListener();
		SocketAddress address = listener.localAddress();
		if (address instanceof InetSocketAddress inet) {
			publish(this.context, portProperty(listener.name()), inet.getPort());
		}
		else if (address instanceof UnixDomainSocketAddress unix) {
			publish(this.context, pathProperty(listener.name()), unix.getPath().toString());
		}
	}

	private static void publish(ApplicationContext context, String name, Object value) {
		if (context instanceof ConfigurableApplicationContext configurable) {
			values(configurable.getEnvironment()).put(name, value);
		}
		if (context.getParent() != null) {
			publish(context.getParent(), name, value);
		}
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> values(ConfigurableEnvironment environment) {
		MutablePropertySources sources = environment.getPropertySources();
		// Children of one parent may start on several threads at once.
		synchronized (sources) {
			PropertySource<?> source = sources.get(PROPERTY_SOURCE_NAME);
			if (source == null) {
				source = new MapPropertySource(PROPERTY_SOURCE_NAME, new ConcurrentHashMap<>());
				sources.addFirst(source);
			}
			return (Map<String, Object>) source.getSource();
		}
	}

}
