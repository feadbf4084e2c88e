package io.connlistener.boot.listener;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

import io.connlistener.ListenerOption;
import io.connlistener.ListenerSettings;

import org.springframework.util.Assert;

/**
 * Everything needed to bind one named listener, checked and resolved from configuration.
 *
 * @param name the listener's name, the key under {@code conn-listener.listeners}
 * @param address where to listen: an {@link InetSocketAddress} or a
 * {@link UnixDomainSocketAddress}
 * @param backlog listen queue length; negative picks the kernel's {@code somaxconn}
 * @param options listener options; {@link ListenerOption#DISABLED} when created disabled
 * @param maxConnections most connections served at once; accepting pauses at the limit
 * @param settings settings beyond libevent's
 */
public record ListenerDefinition(String name, SocketAddress address, int backlog, Set<ListenerOption> options,
		int maxConnections, ListenerSettings settings) {

	/**
	 * Check the definition.
	 */
	public ListenerDefinition {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(address, "'address' must not be null");
		Assert.notNull(options, "'options' must not be null");
		Assert.notNull(settings, "'settings' must not be null");
		Assert.isTrue(maxConnections > 0, "'maxConnections' must be positive");
		options = Collections.unmodifiableSet(
				options.isEmpty() ? EnumSet.noneOf(ListenerOption.class) : EnumSet.copyOf(options));
	}

	/**
	 * Return whether the listener is created enabled.
	 * @return {@code false} when the options hold {@link ListenerOption#DISABLED}
	 */
	public boolean enabled() {
		return !this.options.contains(ListenerOption.DISABLED);
	}

	/**
	 * Return whether the listener listens on a Unix domain socket.
	 * @return {@code true} for a Unix domain socket
	 */
	public boolean isUnixDomain() {
		return this.address instanceof UnixDomainSocketAddress;
	}

	/**
	 * Return the address as people write it: {@code host:port}, {@code [v6]:port} or
	 * {@code unix:/path}.
	 * @return the description
	 */
	public String describeAddress() {
		return describe(this.address);
	}

	/**
	 * Describe an address as people write it.
	 * @param address the address
	 * @return {@code host:port}, {@code [v6]:port} or {@code unix:/path}
	 */
	public static String describe(SocketAddress address) {
		if (address instanceof InetSocketAddress inet) {
			String host = (inet.getAddress() != null) ? inet.getAddress().getHostAddress() : inet.getHostString();
			return ((host.indexOf(':') >= 0) ? "[" + host + "]" : host) + ":" + inet.getPort();
		}
		if (address instanceof UnixDomainSocketAddress unix) {
			return "unix:" + unix.getPath();
		}
		return String.valueOf(address);
	}

}
