package io.connlistener.boot.listener;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;

import io.connlistener.ListenerOption;
import io.connlistener.ListenerSettings;
import io.connlistener.admission.AdmissionSettings;
import io.connlistener.boot.listener.tls.ListenerTls;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.proxy.ProxyProtocolSettings;

import org.springframework.util.Assert;

/**
 * Everything needed to bind one named listener, checked and resolved from configuration.
 *
 * @param name the listener's name, the key under {@code conn-listener.listeners}
 * @param address where to listen: an {@link InetSocketAddress} or a
 * {@link UnixDomainSocketAddress}; for a listener that adopts a channel, the address the
 * channel must have, or {@code null} for any
 * @param backlog listen queue length; negative picks the kernel's {@code somaxconn}
 * @param options listener options; {@link ListenerOption#DISABLED} when created disabled
 * @param maxConnections most connections served at once; accepting pauses at the limit
 * @param settings settings beyond libevent's
 * @param admission which connections are admitted, and the spare file descriptor
 * @param idleTimeout how long a connection may go without a byte read or written, whatever
 * paused it, before it is closed; {@code null} for never
 * @param writeTimeout how long output may wait without the peer taking a byte before the
 * connection is closed; {@code null} for never
 * @param buffered settings of buffered connections, with {@code idleTimeout} as idle
 * timeout, {@code writeTimeout} as write timeout and no read timeout
 * @param proxyProtocol whether connections must start with a PROXY protocol header, and
 * from which proxies
 * @param deployment where the listening sockets come from and how they follow the
 * application's readiness
 * @param tcpNoDelay whether accepted TCP connections get {@code TCP_NODELAY}
 * @param tls the TLS the listener serves, after the PROXY header and admission, before the
 * handler sees the connection; {@code null} for plain connections
 * @param framing how connections are cut into messages for a message handler, or
 * {@code null} when neither the listener nor the defaults set any framing key
 */
public record ListenerDefinition(String name, SocketAddress address, int backlog, Set<ListenerOption> options,
		int maxConnections, ListenerSettings settings, AdmissionSettings admission, Duration idleTimeout,
		Duration writeTimeout, BufferedConnectionSettings buffered, ProxyProtocolSettings proxyProtocol,
		Deployment deployment, boolean tcpNoDelay, ListenerTls tls, ListenerFraming framing) {

	/**
	 * Default idle timeout: long enough for pooled clients and protocols that send a
	 * heartbeat every minute or so, short enough that silent connections do not pile up.
	 */
	public static final Duration DEFAULT_IDLE_TIMEOUT = Duration.ofMinutes(5);

	/** Buffered connections with the core defaults, timed out as {@link #DEFAULT_IDLE_TIMEOUT} says. */
	private static final BufferedConnectionSettings DEFAULT_BUFFERED = BufferedConnectionSettings.DEFAULTS
		.withTimeouts(null, DEFAULT_IDLE_TIMEOUT)
		.withIdleTimeout(DEFAULT_IDLE_TIMEOUT);

	/**
	 * Check the definition and turn zero timeouts into {@code null}.
	 */
	public ListenerDefinition {
		Assert.hasText(name, "'name' must not be empty");
		Assert.notNull(options, "'options' must not be null");
		Assert.notNull(settings, "'settings' must not be null");
		Assert.notNull(admission, "'admission' must not be null");
		Assert.notNull(buffered, "'buffered' must not be null");
		Assert.notNull(proxyProtocol, "'proxyProtocol' must not be null");
		Assert.notNull(deployment, "'deployment' must not be null");
		Assert.isTrue(address != null || deployment.source() != Source.BIND,
				"'address' must not be null unless the listener adopts a channel");
		Assert.isTrue(maxConnections > 0, "'maxConnections' must be positive");
		Assert.isTrue(idleTimeout == null || !idleTimeout.isNegative(), "'idleTimeout' must not be negative");
		Assert.isTrue(writeTimeout == null || !writeTimeout.isNegative(), "'writeTimeout' must not be negative");
		options = Collections.unmodifiableSet(
				options.isEmpty() ? EnumSet.noneOf(ListenerOption.class) : EnumSet.copyOf(options));
		idleTimeout = (idleTimeout == null || idleTimeout.isZero()) ? null : idleTimeout;
		writeTimeout = (writeTimeout == null || writeTimeout.isZero()) ? null : writeTimeout;
	}

	/**
	 * Create a definition of a listener without framing.
	 * @param name the listener's name
	 * @param address where to listen, or for an adopted channel where it must listen
	 * @param backlog listen queue length
	 * @param options listener options
	 * @param maxConnections most connections served at once
	 * @param settings settings beyond libevent's
	 * @param admission which connections are admitted
	 * @param idleTimeout the idle timeout, or {@code null} for never
	 * @param writeTimeout the write timeout, or {@code null} for never
	 * @param buffered settings of buffered connections
	 * @param proxyProtocol whether connections must start with a PROXY protocol header
	 * @param deployment where the sockets come from and how they follow readiness
	 * @param tcpNoDelay whether accepted TCP connections get {@code TCP_NODELAY}
	 * @param tls the TLS the listener serves, or {@code null}
	 */
	public ListenerDefinition(String name, SocketAddress address, int backlog, Set<ListenerOption> options,
			int maxConnections, ListenerSettings settings, AdmissionSettings admission, Duration idleTimeout,
			Duration writeTimeout, BufferedConnectionSettings buffered, ProxyProtocolSettings proxyProtocol,
			Deployment deployment, boolean tcpNoDelay, ListenerTls tls) {
		this(name, address, backlog, options, maxConnections, settings, admission, idleTimeout, writeTimeout,
				buffered, proxyProtocol, deployment, tcpNoDelay, tls, null);
	}

	/**
	 * Create a definition of a listener that serves plain connections.
	 * @param name the listener's name
	 * @param address where to listen, or for an adopted channel where it must listen
	 * @param backlog listen queue length
	 * @param options listener options
	 * @param maxConnections most connections served at once
	 * @param settings settings beyond libevent's
	 * @param admission which connections are admitted
	 * @param idleTimeout the idle timeout, or {@code null} for never
	 * @param writeTimeout the write timeout, or {@code null} for never
	 * @param buffered settings of buffered connections
	 * @param proxyProtocol whether connections must start with a PROXY protocol header
	 * @param deployment where the sockets come from and how they follow readiness
	 * @param tcpNoDelay whether accepted TCP connections get {@code TCP_NODELAY}
	 */
	public ListenerDefinition(String name, SocketAddress address, int backlog, Set<ListenerOption> options,
			int maxConnections, ListenerSettings settings, AdmissionSettings admission, Duration idleTimeout,
			Duration writeTimeout, BufferedConnectionSettings buffered, ProxyProtocolSettings proxyProtocol,
			Deployment deployment, boolean tcpNoDelay) {
		this(name, address, backlog, options, maxConnections, settings, admission, idleTimeout, writeTimeout,
				buffered, proxyProtocol, deployment, tcpNoDelay, null, null);
	}

	/**
	 * Create a definition that admits every connection, holds a spare file descriptor,
	 * times out after {@link #DEFAULT_IDLE_TIMEOUT}, buffers with the core defaults, sets
	 * {@code TCP_NODELAY}, reads no PROXY protocol header, binds one socket to its address
	 * and follows the application's readiness.
	 * @param name the listener's name
	 * @param address where to listen
	 * @param backlog listen queue length
	 * @param options listener options
	 * @param maxConnections most connections served at once
	 * @param settings settings beyond libevent's
	 */
	public ListenerDefinition(String name, SocketAddress address, int backlog, Set<ListenerOption> options,
			int maxConnections, ListenerSettings settings) {
		this(name, address, backlog, options, maxConnections, settings, ProxyProtocolSettings.OFF);
	}

	/**
	 * Create a definition of a listener that binds one socket to its address and follows
	 * the application's readiness.
	 * @param name the listener's name
	 * @param address where to listen
	 * @param backlog listen queue length; negative picks the kernel's {@code somaxconn}
	 * @param options listener options
	 * @param maxConnections most connections served at once
	 * @param settings settings beyond libevent's
	 * @param proxyProtocol whether connections must start with a PROXY protocol header
	 */
	public ListenerDefinition(String name, SocketAddress address, int backlog, Set<ListenerOption> options,
			int maxConnections, ListenerSettings settings, ProxyProtocolSettings proxyProtocol) {
		this(name, address, backlog, options, maxConnections, settings, AdmissionSettings.DEFAULTS,
				DEFAULT_IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
				DEFAULT_BUFFERED,
				proxyProtocol, Deployment.DEFAULT, true);
	}

	/**
	 * Create a definition of a listener that reads no PROXY protocol header.
	 * @param name the listener's name
	 * @param address where to listen, or for an adopted channel where it must listen
	 * @param backlog listen queue length
	 * @param options listener options
	 * @param maxConnections most connections served at once
	 * @param settings settings beyond libevent's
	 * @param deployment where the sockets come from and how they follow readiness
	 */
	public ListenerDefinition(String name, SocketAddress address, int backlog, Set<ListenerOption> options,
			int maxConnections, ListenerSettings settings, Deployment deployment) {
		this(name, address, backlog, options, maxConnections, settings, AdmissionSettings.DEFAULTS,
				DEFAULT_IDLE_TIMEOUT, DEFAULT_IDLE_TIMEOUT,
				DEFAULT_BUFFERED,
				ProxyProtocolSettings.OFF, deployment, true);
	}

	/**
	 * Return whether the listener is created enabled.
	 * @return {@code false} when the options hold {@link ListenerOption#DISABLED}
	 */
	public boolean enabled() {
		return !this.options.contains(ListenerOption.DISABLED);
	}

	/**
	 * Return whether the listener serves TLS.
	 * @return {@code true} when connections are TLS
	 */
	public boolean isSecure() {
		return this.tls != null;
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
		return switch (this.deployment.source()) {
			case INHERITED -> "inherited channel";
			case CHANNEL_BEAN -> "channel bean '" + this.deployment.channelBean() + "'";
			default -> describe(this.address);
		};
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

	/**
	 * Where a listener's listening socket comes from.
	 */
	public enum Source {

		/**
		 * The listener opens and binds its sockets: libevent's
		 * {@code evconnlistener_new_bind}.
		 */
		BIND,

		/**
		 * The socket the process inherited as standard input ({@code System.inheritedChannel()}),
		 * as inetd and systemd's {@code StandardInput=socket} pass it.
		 */
		INHERITED,

		/**
		 * A {@link java.nio.channels.ServerSocketChannel} bean of the application: libevent's
		 * {@code evconnlistener_new}.
		 */
		CHANNEL_BEAN

	}

	/**
	 * How a listener is deployed: where its socket comes from, on how many sockets it
	 * accepts, and how it follows the application's readiness.
	 *
	 * @param acceptors sockets bound to one port with {@code SO_REUSEPORT}, each accepting
	 * on its own loop
	 * @param followReadiness whether the listener stops accepting while the application
	 * refuses traffic
	 * @param unbindOnDisable whether disabling closes the listening sockets, and enabling
	 * binds them again
	 * @param disableDelay how long the listener keeps accepting, reported out of service,
	 * after it is told to stop; zero for none
	 * @param source where the listening socket comes from
	 * @param channelBean the name of the channel bean, with {@link Source#CHANNEL_BEAN}
	 * @param pathPermissions permissions of a Unix domain socket file, or {@code null} to
	 * leave them as the process's umask makes them
	 */
	public record Deployment(int acceptors, boolean followReadiness, boolean unbindOnDisable, Duration disableDelay,
			Source source, String channelBean, Set<PosixFilePermission> pathPermissions) {

		/**
		 * One bound socket that follows readiness and stays bound while disabled.
		 */
		public static final Deployment DEFAULT = new Deployment(1, true, false, Duration.ZERO, Source.BIND, null,
				null);

		/**
		 * Check the deployment.
		 */
		public Deployment {
			Assert.isTrue(acceptors > 0, "'acceptors' must be positive");
			Assert.isTrue(disableDelay != null && !disableDelay.isNegative(), "'disableDelay' must not be negative");
			Assert.notNull(source, "'source' must not be null");
			Assert.isTrue((source == Source.CHANNEL_BEAN) == (channelBean != null),
					"'channelBean' must be set exactly when the source is CHANNEL_BEAN");
			Assert.isTrue(source == Source.BIND || (acceptors == 1 && !unbindOnDisable),
					"An adopted channel has one acceptor and cannot be bound again");
			pathPermissions = (pathPermissions != null) ? Set.copyOf(pathPermissions)
					: null;
		}

		/**
		 * Return the permissions as {@code ls -l} shows them.
		 * @return e.g. {@code rw-rw----}, or {@code null}
		 */
		public String describePathPermissions() {
			return (this.pathPermissions != null) ? PosixFilePermissions.toString(this.pathPermissions) : null;
		}

	}

}
