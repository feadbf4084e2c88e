package io.connlistener.boot.listener;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

import io.connlistener.AdmissionSettings;
import io.connlistener.ListenerOption;
import io.connlistener.ListenerSettings;
import io.connlistener.ProxyProtocolSettings;
import io.connlistener.buffer.BufferedConnectionSettings;

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
 * @param admission which connections are admitted, and the spare file descriptor
 * @param idleTimeout how long a connection may send nothing (a blocking read may wait)
 * before it is closed; {@code null} for never
 * @param writeTimeout how long output may make no progress before the connection is
 * closed; {@code null} for never
 * @param buffered settings of buffered connections, with {@code idleTimeout} as read
 * timeout and {@code writeTimeout} as write timeout
 * @param proxyProtocol whether connections must start with a PROXY protocol header, and
 * from which proxies
 */
public record ListenerDefinition(String name, SocketAddress address, int backlog, Set<ListenerOption> options,
		int maxConnections, ListenerSettings settings, AdmissionSettings admission, Duration idleTimeout,
		Duration writeTimeout, BufferedConnectionSettings buffered, ProxyProtocolSettings proxyProtocol) {

	/**
	 * Default idle timeout: long enough for pooled clients and protocols that send a
	 * heartbeat every minute or so, short enough that silent connections do not pile up.
	 */
	public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

	/**
	 * Check the definition and turn zero timeouts into {@code null}.
	 */
	public ListenerDefinition {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(address, "'address' must not be null");
		Assert.notNull(options, "'options' must not be null");
		Assert.notNull(settings, "'settings' must not be null");
		Assert.notNull(admission, "'admission' must not be null");
		Assert.notNull(buffered, "'buffered' must not be null");
		Assert.notNull(proxyProtocol, "'proxyProtocol' must not be null");
		Assert.isTrue(maxConnections > 0, "'maxConnections' must be positive");
		Assert.isTrue(idleTimeout == null || !idleTimeout.isNegative(), "'idleTimeout' must not be negative");
		Assert.isTrue(writeTimeout == null || !writeTimeout.isNegative(), "'writeTimeout' must not be negative");
		options = Collections.unmodifiableSet(
				options.isEmpty() ? EnumSet.noneOf(ListenerOption.class) : EnumSet.copyOf(options));
		idleTimeout = (idleTimeout == null || idleTimeout.isZero()) ? null : idleTimeout;
		writeTimeout = (writeTimeout == null || writeTimeout.isZero()) ? null : writeTimeout;
	}

	/**
	 * Create a definition that admits every connection, holds a spare file descriptor,
	 * times out after {@link #DEFAULT_IDLE_TIMEOUT}, buffers with the core defaults and
	 * reads no PROXY protocol header.
	 * @param name the listener's name
	 * @param address where to listen
	 * @param backlog listen queue length
	 * @param options listener options
	 * @param maxConnections most connections served at once
	 * @param settings settings beyond libevent's
	 */
	public ListenerDefinition(String name, SocketAddress address, int backlog, Set<ListenerOption> options,
			int maxConnections, ListenerSettings settings) {
		this(name, address, backlog, options, maxConnections, settings, AdmissionSettings.DEFAULTS,
				DEFAULT_IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
				BufferedConnectionSettings.DEFAULTS.withTimeouts(DEFAULT_IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT),
				ProxyProtocolSettings.OFF);
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
