package io.connlistener.boot.autoconfigure;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.attribute.PosixFilePermission;
import java.nio.file.attribute.PosixFilePermissions;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.connlistener.ListenerOption;
import io.connlistener.ListenerSettings;
import io.connlistener.ListenerSettings.LimitAction;
import io.connlistener.admission.CidrRange;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Admission;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Backoff;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Defaults;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Listener;
import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ListenerDefinition.Deployment;
import io.connlistener.boot.listener.ListenerDefinition.Source;
import io.connlistener.boot.listener.ListenerProblem;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.loop.EventLoop;
import io.connlistener.proxy.ProxyProtocolMode;
import io.connlistener.proxy.ProxyProtocolSettings;

import org.springframework.boot.ssl.SslBundles;

/**
 * Turns {@link ConnListenerProperties} into checked {@link ListenerDefinition listener
 * definitions}: a listener's own values win over {@code defaults}, and a value that cannot
 * work is a {@link ListenerConfigurationException} with the listener, its address, the key
 * that holds the value and the value.
 */
final class ListenerDefinitions {

	/** Most acceptors of one listener: bounds threads, sockets and the acceptor meter tag. */
	static final int MAX_ACCEPTORS = 64;

	private ListenerDefinitions() {
	}

	static void checkIoThreads(ConnListenerProperties properties) {
		if (properties.getIoThreads() < 1) {
			throw new ListenerConfigurationException(ListenerProblem.NO_IO_THREADS, null, null, "io-threads",
					properties.getIoThreads());
		}
	}

	static Duration checkArrivalBatching(ConnListenerProperties properties) {
		Duration batching = properties.getArrivalBatching();
		if (batching == null || batching.isNegative() || batching.compareTo(EventLoop.MAX_ARRIVAL_BATCHING) > 0) {
			throw new ListenerConfigurationException(ListenerProblem.ARRIVAL_BATCHING_OUT_OF_RANGE, null, null,
					"arrival-batching", batching, EventLoop.MAX_ARRIVAL_BATCHING);
		}
		return batching;
	}

	static List<ListenerDefinition> of(ConnListenerProperties properties) {
		return of(properties, null);
	}

	/**
	 * Return the definitions of the listeners configured, the TLS ones with their SSL
	 * bundles loaded and watched for reloads.
	 * @param properties the properties
	 * @param sslBundles the application's SSL bundles, or {@code null} if it has none
	 * @return the definitions, in configuration order
	 */
	static List<ListenerDefinition> of(ConnListenerProperties properties, SslBundles sslBundles) {
		List<ListenerDefinition> definitions = new ArrayList<>();
		for (Map.Entry<String, Listener> entry : properties.getListeners().entrySet()) {
			definitions.add(of(entry.getKey(), entry.getValue(), properties.getDefaults(), sslBundles));
		}
		return definitions;
	}

	private static ListenerDefinition of(String name, Listener listener, Defaults defaults, SslBundles sslBundles) {
		ListenerValues values = new ListenerValues(name, listener, defaults);
		Source source = values.source();
		// An adopted channel may name its address too: it is then checked against the channel's.
		SocketAddress address = (source == Source.BIND || listener.getPort() != null || listener.getPath() != null)
				? values.address() : null;
		ListenerValues.Checked checked = values.checked((source == Source.INHERITED) ? "the inherited channel"
				: (source == Source.CHANNEL_BEAN) ? "channel bean '" + listener.getChannelBean() + "'"
						: ListenerDefinition.describe(address));
		if (address instanceof UnixDomainSocketAddress) {
			checkUnixKeys(listener, defaults, checked);
		}
		int backlog = (listener.getBacklog() != null) ? listener.getBacklog() : defaults.getBacklog();
		if (backlog == 0 && source == Source.BIND) {
			throw checked.invalid(ListenerProblem.BACKLOG_ZERO, "backlog", listener.getBacklog(), backlog);
		}
		int maxConnections = (listener.getMaxConnections() != null) ? listener.getMaxConnections()
				: defaults.getMaxConnections();
		if (maxConnections < 1) {
			throw checked.invalid(ListenerProblem.NO_CONNECTIONS, "max-connections", listener.getMaxConnections(),
					maxConnections);
		}
		int maxAccepts = (listener.getMaxAcceptsPerWakeup() != null) ? listener.getMaxAcceptsPerWakeup()
				: defaults.getMaxAcceptsPerWakeup();
		if (maxAccepts < 1) {
			throw checked.invalid(ListenerProblem.NO_ACCEPTS_PER_WAKEUP, "max-accepts-per-wakeup",
					listener.getMaxAcceptsPerWakeup(), maxAccepts, ListenerSettings.DEFAULT_MAX_ACCEPTS_PER_WAKEUP);
		}
		Backoff backoff = listener.getAcceptErrorBackoff();
		Duration initial = checked.positive("accept-error-backoff.initial", backoff.getInitial(),
				defaults.getAcceptErrorBackoff().getInitial(), ListenerSettings.DEFAULT_BACKOFF_INITIAL);
		Duration max = checked.positive("accept-error-backoff.max", backoff.getMax(),
				defaults.getAcceptErrorBackoff().getMax(), ListenerSettings.DEFAULT_BACKOFF_MAX);
		if (max.compareTo(initial) < 0) {
			throw checked.invalid(ListenerProblem.BACKOFF_MAX_BELOW_INITIAL, "accept-error-backoff.max",
					backoff.getMax(), max, initial);
		}
		Duration deferredTimeout = checked.positive("deferred-accept-timeout", listener.getDeferredAcceptTimeout(),
				defaults.getDeferredAcceptTimeout(), ListenerSettings.DEFAULT_DEFERRED_ACCEPT_TIMEOUT);
		LimitAction action = (listener.getMaxConnectionsAction() != null) ? listener.getMaxConnectionsAction()
				: defaults.getMaxConnectionsAction();
		Integer resume = (listener.getMaxConnectionsResume() != null) ? listener.getMaxConnectionsResume()
				: defaults.getMaxConnectionsResume();
		if (resume != null && (resume < 0 || resume >= maxConnections)) {
			throw checked.invalid(ListenerProblem.RESUME_NOT_BELOW_LIMIT, "max-connections-resume",
					listener.getMaxConnectionsResume(), resume, maxConnections);
		}
		Duration idleTimeout = checked.notNegative("idle-timeout", listener.getIdleTimeout(),
				defaults.getIdleTimeout(), ListenerDefinition.DEFAULT_IDLE_TIMEOUT);
		Duration writeTimeout = (listener.getWriteTimeout() != null || defaults.getWriteTimeout() != null)
				? checked.notNegative("write-timeout", listener.getWriteTimeout(), defaults.getWriteTimeout(),
						ListenerDefinition.DEFAULT_IDLE_TIMEOUT)
				: idleTimeout;
		ListenerSettings settings = new ListenerSettings(maxAccepts, initial, max, deferredTimeout, maxConnections,
				(resume != null) ? resume : ListenerSettings.DEFAULT_RESUME_CONNECTIONS, action);
		Deployment deployment = deployment(listener, defaults, source, address, checked);
		Set<ListenerOption> options = options(listener, defaults);
		if (deployment.acceptors() > 1) {
			options.add(ListenerOption.REUSEABLE_PORT);
		}
		BufferedConnectionSettings buffered = checked.buffered(idleTimeout, writeTimeout);
		return new ListenerDefinition(name, address, (source == Source.BIND) ? backlog : 0, options, maxConnections,
				settings, checked.admission(), idleTimeout, writeTimeout, buffered,
				proxyProtocol(listener, defaults, checked, address), deployment,
				(listener.getTcpNoDelay() != null) ? listener.getTcpNoDelay() : defaults.getTcpNoDelay(),
				new TlsValues(listener, defaults, checked, sslBundles).tls(name),
				new FramingValues(listener, defaults, checked).framing(buffered.readHighWatermark()));
	}

	/**
	 * Refuse the keys a listener sets itself that a Unix domain socket would ignore: its
	 * peers have no IP address and it has no TCP options. The defaults' values are left
	 * alone, as they are there for the TCP listeners.
	 */
	private static void checkUnixKeys(Listener listener, Defaults defaults, ListenerValues.Checked checked) {
		if (listener.getAddress() != null) {
			throw checked.invalid(ListenerProblem.ADDRESS_OF_UNIX_SOCKET, "address", listener.getAddress(),
					listener.getAddress());
		}
		if (listener.getTcpNoDelay() != null) {
			throw checked.invalid(ListenerProblem.TCP_NO_DELAY_OF_UNIX_SOCKET, "tcp-no-delay", listener.getTcpNoDelay(),
					listener.getTcpNoDelay());
		}
		if (listener.getTrustedProxies() != null && !listener.getTrustedProxies().isEmpty()) {
			throw checked.invalid(ListenerProblem.TRUSTED_PROXIES_OF_UNIX_SOCKET, "trusted-proxies",
					listener.getTrustedProxies(), listener.getTrustedProxies());
		}
		ProxyProtocolMode mode = (listener.getProxyProtocol() != null) ? listener.getProxyProtocol()
				: defaults.getProxyProtocol();
		if (mode == ProxyProtocolMode.REQUIRED) {
			// Admission then checks the client's address from each PROXY header.
			return;
		}
		Admission admission = listener.getAdmission();
		if (admission.getRules() != null && !admission.getRules().isEmpty()) {
			throw checked.invalid(ListenerProblem.ADMISSION_OF_UNIX_SOCKET, "admission.rules", admission.getRules(),
					admission.getRules());
		}
		if (admission.getMaxConnectionsPerIp() != null && admission.getMaxConnectionsPerIp() > 0) {
			throw checked.invalid(ListenerProblem.ADMISSION_OF_UNIX_SOCKET, "admission.max-connections-per-ip",
					admission.getMaxConnectionsPerIp(), admission.getMaxConnectionsPerIp());
		}
	}

	private static Deployment deployment(Listener listener, Defaults defaults, Source source, SocketAddress address,
			ListenerValues.Checked checked) {
		int acceptors = (listener.getAcceptors() != null) ? listener.getAcceptors() : defaults.getAcceptors();
		if (acceptors < 1 || acceptors > MAX_ACCEPTORS) {
			throw checked.invalid(ListenerProblem.ACCEPTORS_OUT_OF_RANGE, "acceptors", listener.getAcceptors(),
					acceptors, MAX_ACCEPTORS);
		}
		if (acceptors > 1 && source != Source.BIND) {
			throw checked.invalid(ListenerProblem.ACCEPTORS_OF_ADOPTED_CHANNEL, "acceptors", listener.getAcceptors(),
					acceptors);
		}
		if (acceptors > 1 && address instanceof UnixDomainSocketAddress) {
			throw checked.invalid(ListenerProblem.ACCEPTORS_OF_UNIX_SOCKET, "acceptors", listener.getAcceptors(),
					acceptors);
		}
		boolean unbind = (listener.getUnbindOnDisable() != null) ? listener.getUnbindOnDisable()
				: defaults.getUnbindOnDisable();
		if (unbind && source != Source.BIND) {
			throw checked.invalid(ListenerProblem.UNBIND_OF_ADOPTED_CHANNEL, "unbind-on-disable",
					listener.getUnbindOnDisable(), true);
		}
		boolean followReadiness = (listener.getFollowReadiness() != null) ? listener.getFollowReadiness()
				: defaults.getFollowReadiness();
		Duration disableDelay = checked.notNegative("disable-delay", listener.getDisableDelay(),
				defaults.getDisableDelay(), Duration.ofSeconds(2));
		String permissions = (listener.getPathPermissions() != null) ? listener.getPathPermissions()
				: defaults.getPathPermissions();
		Set<PosixFilePermission> pathPermissions = null;
		if (listener.getPathPermissions() != null && source != Source.BIND) {
			throw checked.invalid(ListenerProblem.PATH_PERMISSIONS_OF_ADOPTED_CHANNEL, "path-permissions",
					listener.getPathPermissions(), permissions);
		}
		if (permissions != null && address instanceof UnixDomainSocketAddress && source == Source.BIND) {
			try {
				pathPermissions = PosixFilePermissions.fromString(permissions);
			}
			catch (IllegalArgumentException ex) {
				throw checked.invalid(ListenerProblem.PATH_PERMISSIONS_NOT_POSIX, "path-permissions",
						listener.getPathPermissions(), permissions);
			}
		}
		else if (listener.getPathPermissions() != null) {
			throw checked.invalid(ListenerProblem.PATH_PERMISSIONS_WITHOUT_PATH, "path-permissions",
					listener.getPathPermissions(), permissions);
		}
		return new Deployment(acceptors, followReadiness, unbind, (disableDelay != null) ? disableDelay : Duration.ZERO,
				source, listener.getChannelBean(), pathPermissions);
	}

	private static ProxyProtocolSettings proxyProtocol(Listener listener, Defaults defaults,
			ListenerValues.Checked checked, SocketAddress address) {
		ProxyProtocolMode mode = (listener.getProxyProtocol() != null) ? listener.getProxyProtocol()
				: defaults.getProxyProtocol();
		List<String> configured = (listener.getTrustedProxies() != null) ? listener.getTrustedProxies()
				: defaults.getTrustedProxies();
		List<CidrRange> trustedProxies = new ArrayList<>();
		if (configured != null) {
			for (int i = 0; i < configured.size(); i++) {
				String range = configured.get(i);
				try {
					trustedProxies.add(CidrRange.parse((range != null) ? range : ""));
				}
				catch (IllegalArgumentException ex) {
					throw checked.invalidBecause(ListenerProblem.TRUSTED_PROXY_NOT_A_RANGE,
							"trusted-proxies[" + i + "]", listener.getTrustedProxies(), String.valueOf(range), ex);
				}
			}
		}
		Duration timeout = checked.positive("proxy-protocol-timeout", listener.getProxyProtocolTimeout(),
				defaults.getProxyProtocolTimeout(), ProxyProtocolSettings.DEFAULT_TIMEOUT);
		if (mode == ProxyProtocolMode.REQUIRED && trustedProxies.isEmpty() && address instanceof InetSocketAddress) {
			// Name the listener's own property, where a range for this listener belongs.
			throw checked.invalid(ListenerProblem.NO_TRUSTED_PROXIES, "trusted-proxies",
					(listener.getTrustedProxies() != null) ? listener.getTrustedProxies() : List.of(), trustedProxies,
					listener.getProxyProtocol() == null);
		}
		return new ProxyProtocolSettings((mode != null) ? mode : ProxyProtocolMode.OFF, trustedProxies, timeout);
	}

	private static Set<ListenerOption> options(Listener listener, Defaults defaults) {
		List<ListenerOption> configured = (listener.getOptions() != null) ? listener.getOptions()
				: defaults.getOptions();
		Set<ListenerOption> options = EnumSet.noneOf(ListenerOption.class);
		if (configured != null) {
			options.addAll(configured);
		}
		boolean enabled = (listener.getEnabled() != null) ? listener.getEnabled() : defaults.getEnabled();
		if (!enabled) {
			options.add(ListenerOption.DISABLED);
		}
		return options;
	}

}
