package io.connlistener.boot.test;

import java.io.IOException;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Arrays;
import java.util.Set;
import java.util.TreeSet;

import io.connlistener.ListenerOption;
import io.connlistener.boot.listener.ConnListenerPortInfoPublisher;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ManagedConnListener;

import org.springframework.context.ApplicationContext;
import org.springframework.core.env.ConfigurableEnvironment;
import org.springframework.core.env.EnumerablePropertySource;
import org.springframework.core.env.Environment;
import org.springframework.core.env.PropertySource;
import org.springframework.util.Assert;

/**
 * Finds where a listener listens, by its name: from its application context, at the
 * address it bound, or from the {@code local.conn-listener.*} properties that the starter's
 * {@link ConnListenerPortInfoPublisher} sets once it has bound; and says what is wrong when
 * it has not.
 */
final class ListenerAddresses {

	private static final String PREFIX = "local.conn-listener.";

	private static final InetAddress IPV4_LOOPBACK = address(new byte[] { 127, 0, 0, 1 });

	private static final InetAddress IPV6_LOOPBACK = address(new byte[] { 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 1 });

	private ListenerAddresses() {
	}

	/**
	 * Return the address a listener of a context has bound: its socket file, or its port on
	 * its address, on the loopback address for a wildcard one (of its family, or of IPv4
	 * for a dual-stack socket).
	 */
	static SocketAddress of(ApplicationContext context, String listener) {
		ConnListenerRegistry registry = context.getBeanProvider(ConnListenerRegistry.class).getIfAvailable();
		Assert.state(registry != null, () -> "The application context has no listeners: no ConnListenerRegistry bean "
				+ "(is conn-listener.enabled false?)");
		ManagedConnListener managed = registry.get(listener);
		if (managed.stats() == null) {
			throw notBound(context.getEnvironment(), listener);
		}
		SocketAddress address = managed.localAddress();
		if (address instanceof InetSocketAddress inet && inet.getAddress().isAnyLocalAddress()) {
			boolean ipv6Only = inet.getAddress() instanceof Inet6Address
					&& managed.definition().options().contains(ListenerOption.BIND_IPV6ONLY);
			return new InetSocketAddress(ipv6Only ? IPV6_LOOPBACK : IPV4_LOOPBACK, inet.getPort());
		}
		return address;
	}

	/**
	 * Return the address a listener has published in an environment: its socket file, or
	 * its port on {@code 127.0.0.1}.
	 */
	static SocketAddress of(Environment environment, String listener) {
		Integer port = environment.getProperty(portProperty(listener), Integer.class);
		if (port != null) {
			return loopback(port);
		}
		String path = environment.getProperty(pathProperty(listener));
		if (path != null) {
			return UnixDomainSocketAddress.of(path);
		}
		throw notBound(environment, listener);
	}

	/**
	 * Return a port on {@code 127.0.0.1}.
	 */
	static InetSocketAddress loopback(int port) {
		return new InetSocketAddress(IPV4_LOOPBACK, port);
	}

	static String portProperty(String listener) {
		return ConnListenerPortInfoPublisher.portProperty(listener);
	}

	static String pathProperty(String listener) {
		return ConnListenerPortInfoPublisher.pathProperty(listener);
	}

	/**
	 * Explain why a listener has no port.
	 */
	static IllegalStateException noPort(Environment environment, String listener) {
		String path = environment.getProperty(pathProperty(listener));
		if (path != null) {
			return new IllegalStateException("Listener '" + listener + "' listens on a Unix domain socket, "
					+ pathProperty(listener) + "=" + path + ", and has no port");
		}
		return notBound(environment, listener);
	}

	/**
	 * Explain that a listener has published neither a port nor a path.
	 */
	static IllegalStateException notBound(Environment environment, String listener) {
		Set<String> bound = boundListeners(environment);
		return new IllegalStateException("Listener '" + listener + "' has not bound: " + portProperty(listener)
				+ " (or .path) is set once it has, when the application context starts. "
				+ (bound.isEmpty() ? "No listener has bound." : "Listeners bound: " + String.join(", ", bound) + "."));
	}

	private static Set<String> boundListeners(Environment environment) {
		Set<String> names = new TreeSet<>();
		if (environment instanceof ConfigurableEnvironment configurable) {
			PropertySource<?> source = configurable.getPropertySources()
				.get(ConnListenerPortInfoPublisher.PROPERTY_SOURCE_NAME);
			if (source instanceof EnumerablePropertySource<?> enumerable) {
				Arrays.stream(enumerable.getPropertyNames())
					.filter((name) -> name.startsWith(PREFIX))
					.map((name) -> name.substring(PREFIX.length(), name.lastIndexOf('.')))
					.forEach(names::add);
			}
		}
		return names;
	}

	private static InetAddress address(byte[] address) {
		try {
			return InetAddress.getByAddress(address);
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
