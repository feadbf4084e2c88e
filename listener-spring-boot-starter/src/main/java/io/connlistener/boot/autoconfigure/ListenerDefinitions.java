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
import io.connlistener.proxy.ProxyProtocolMode;
import io.connlistener.proxy.ProxyProtocolSettings;

/**
 * Turns {@link ConnListenerProperties} into checked {@link ListenerDefinition listener
 * definitions}: a listener's own values win over {@code defaults}, and a value that cannot
 * work is a {@link ListenerConfigurationException} naming the listener, its address and the
 * property that holds the value.
 */
final class ListenerDefinitions {

	/** Most acceptors of one listener: bounds threads, sockets and the acceptor meter tag. */
	static final int MAX_ACCEPTORS = 64;

	private ListenerDefinitions() {
	}

	static void checkIoThreads(ConnListenerProperties properties) {
		if (properties.getIoThreads() < 1) {
			String property = ConnListenerProperties.PREFIX + ".io-threads";
			throw new ListenerConfigurationException(null, property,
					"Listeners cannot start: " + property + " is " + properties.getIoThreads()
							+ ", but at least one I/O thread is needed.",
					"Set " + property + " to 1 or more, or leave it unset for one per processor.");
		}
	}

	static List<ListenerDefinition> of(ConnListenerProperties properties) {
		List<ListenerDefinition> definitions = new ArrayList<>();
		for (Map.Entry<String, Listener> entry : properties.getListeners().entrySet()) {
			definitions.add(of(entry.getKey(), entry.getValue(), properties.getDefaults()));
		}
		return definitions;
	}

	private static ListenerDefinition of(String name, Listener listener, Defaults defaults) {
		ListenerValues values = new ListenerValues(name, listener, defaults);
		Source source = values.source();
		// An adopted channel may name its address too: it is then checked against the channel's.
		SocketAddress address = (source == Source.BIND || listener.getPort() != null || listener.getPath() != null)
				? values.address() : null;
		ListenerValues.Checked checked = values.checked((source == Source.INHERITED) ? "the inherited channel"
				: (source == Source.CHANNEL_BEAN) ? "channel bean '" + listener.getChannelBean() + "'"
						: ListenerDefinition.describe(address));
		if (address instanceof UnixDomainSocketAddress) {
			checkUnixKeys(listener, defaults, values, checked);
		}
		int backlog = (listener.getBacklog() != null) ? listener.getBacklog() : defaults.getBacklog();
		if (backlog == 0 && source == Source.BIND) {
			throw checked.invalid("backlog", listener.getBacklog(), backlog,
					"0 would mean that the socket is already listening",
					"a positive listen queue length, or -1 for the kernel's somaxconn");
		}
		int maxConnections = (listener.getMaxConnections() != null) ? listener.getMaxConnections()
				: defaults.getMaxConnections();
		if (maxConnections < 1) {
			throw checked.invalid("max-connections", listener.getMaxConnections(), maxConnections,
					"at least one connection must be allowed", "1 or more");
		}
		int maxAccepts = (listener.getMaxAcceptsPerWakeup() != null) ? listener.getMaxAcceptsPerWakeup()
				: defaults.getMaxAcceptsPerWakeup();
		if (maxAccepts < 1) {
			throw checked.invalid("max-accepts-per-wakeup", listener.getMaxAcceptsPerWakeup(), maxAccepts,
					"at least one accept per wakeup is needed",
					"1 or more, such as " + ListenerSettings.DEFAULT_MAX_ACCEPTS_PER_WAKEUP);
		}
		Backoff backoff = listener.getAcceptErrorBackoff();
		Duration initial = checked.positive("accept-error-backoff.initial", backoff.getInitial(),
				defaults.getAcceptErrorBackoff().getInitial(), ListenerSettings.DEFAULT_BACKOFF_INITIAL);
		Duration max = checked.positive("accept-error-backoff.max", backoff.getMax(),
				defaults.getAcceptErrorBackoff().getMax(), ListenerSettings.DEFAULT_BACKOFF_MAX);
		if (max.compareTo(initial) < 0) {
			throw checked.invalid("accept-error-backoff.max", backoff.getMax(), print(max),
					"it must not be shorter than accept-error-backoff.initial (" + print(initial) + ")",
					"a duration of at least " + print(initial));
		}
		Duration deferredTimeout = checked.positive("deferred-accept-timeout", listener.getDeferredAcceptTimeout(),
				defaults.getDeferredAcceptTimeout(), ListenerSettings.DEFAULT_DEFERRED_ACCEPT_TIMEOUT);
		LimitAction action = (listener.getMaxConnectionsAction() != null) ? listener.getMaxConnectionsAction()
				: defaults.getMaxConnectionsAction();
		Integer resume = (listener.getMaxConnectionsResume() != null) ? listener.getMaxConnectionsResume()
				: defaults.getMaxConnectionsResume();
		if (resume != null && (resume < 0 || resume >= maxConnections)) {
			throw checked.invalid("max-connections-resume", listener.getMaxConnectionsResume(), resume,
					"it must be at least 0 and less than max-connections (" + maxConnections + ")",
					"a number from 0 to " + (maxConnections - 1) + ", or leave it unset for 90% of max-connections");
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
		return new ListenerDefinition(name, address, (source == Source.BIND) ? backlog : 0, options, maxConnections,
				settings, checked.admission(), idleTimeout, writeTimeout, checked.buffered(idleTimeout, writeTimeout),
				proxyProtocol(listener, defaults, values, checked, address), deployment,
				(listener.getTcpNoDelay() != null) ? listener.getTcpNoDelay() : defaults.getTcpNoDelay());
	}

	/**
	 * Refuse the keys a listener sets itself that a Unix domain socket would ignore: its
	 * peers have no IP address and it has no TCP options. The defaults' values are left
	 * alone, as they are there for the TCP listeners.
	 */
	private static void checkUnixKeys(Listener listener, Defaults defaults, ListenerValues values,
			ListenerValues.Checked checked) {
		String unix = "a Unix domain socket (" + values.ownProperty("path") + ")";
		if (listener.getAddress() != null) {
			throw checked.invalid("address", listener.getAddress(), "'" + listener.getAddress() + "'",
					"the listener listens on " + unix + ", which has no IP address",
					"no value (remove it), or replace " + values.ownProperty("path") + " by a port to listen on TCP");
		}
		if (listener.getTcpNoDelay() != null) {
			throw checked.invalid("tcp-no-delay", listener.getTcpNoDelay(), listener.getTcpNoDelay(),
					"TCP_NODELAY is a TCP option and the listener listens on " + unix, "no value (remove it)");
		}
		if (listener.getTrustedProxies() != null && !listener.getTrustedProxies().isEmpty()) {
			throw checked.invalid("trusted-proxies", listener.getTrustedProxies(), listener.getTrustedProxies(),
					"peers of " + unix + " have no address to check: whoever may open the socket file is trusted",
					"no value (remove it), and let path-permissions decide who may connect");
		}
		ProxyProtocolMode mode = (listener.getProxyProtocol() != null) ? listener.getProxyProtocol()
				: defaults.getProxyProtocol();
		if (mode == ProxyProtocolMode.REQUIRED) {
			// Admission then checks the client's address from each PROXY header.
			return;
		}
		Admission admission = listener.getAdmission();
		String noAddress = "peers of " + unix + " have no IP address, so it applies only to client addresses "
				+ "from PROXY headers";
		String removeIt = "no value (remove it), or set " + values.ownProperty("proxy-protocol")
				+ " to required behind a proxy that sends the header";
		if (admission.getRules() != null && !admission.getRules().isEmpty()) {
			throw checked.invalid("admission.rules", admission.getRules(), admission.getRules(), noAddress, removeIt);
		}
		if (admission.getMaxConnectionsPerIp() != null && admission.getMaxConnectionsPerIp() > 0) {
			throw checked.invalid("admission.max-connections-per-ip", admission.getMaxConnectionsPerIp(),
					admission.getMaxConnectionsPerIp(), noAddress, removeIt);
		}
	}

	private static Deployment deployment(Listener listener, Defaults defaults, Source source, SocketAddress address,
			ListenerValues.Checked checked) {
		int acceptors = (listener.getAcceptors() != null) ? listener.getAcceptors() : defaults.getAcceptors();
		if (acceptors < 1 || acceptors > MAX_ACCEPTORS) {
			throw checked.invalid("acceptors", listener.getAcceptors(), acceptors,
					"a listener accepts on 1 to " + MAX_ACCEPTORS + " sockets",
					"a number from 1 to " + MAX_ACCEPTORS + ", such as the number of processors");
		}
		if (acceptors > 1 && source != Source.BIND) {
			throw checked.invalid("acceptors", listener.getAcceptors(), acceptors,
					"a listener that adopts a channel has exactly that one socket", "1");
		}
		if (acceptors > 1 && address instanceof UnixDomainSocketAddress) {
			throw checked.invalid("acceptors", listener.getAcceptors(), acceptors,
					"SO_REUSEPORT spreads TCP connections only; a Unix domain socket file has one listening socket",
					"1");
		}
		boolean unbind = (listener.getUnbindOnDisable() != null) ? listener.getUnbindOnDisable()
				: defaults.getUnbindOnDisable();
		if (unbind && source != Source.BIND) {
			throw checked.invalid("unbind-on-disable", listener.getUnbindOnDisable(), true,
					"a channel the listener did not bind cannot be bound again once closed", "false");
		}
		boolean followReadiness = (listener.getFollowReadiness() != null) ? listener.getFollowReadiness()
				: defaults.getFollowReadiness();
		Duration disableDelay = checked.notNegative("disable-delay", listener.getDisableDelay(),
				defaults.getDisableDelay(), Duration.ofSeconds(2));
		String permissions = (listener.getPathPermissions() != null) ? listener.getPathPermissions()
				: defaults.getPathPermissions();
		Set<PosixFilePermission> pathPermissions = null;
		if (listener.getPathPermissions() != null && source != Source.BIND) {
			throw checked.invalid("path-permissions", listener.getPathPermissions(), "'" + permissions + "'",
					"the listener adopts a channel, whose socket file it did not create",
					"no value (remove it), and set the permissions where the socket is created");
		}
		if (permissions != null && address instanceof UnixDomainSocketAddress && source == Source.BIND) {
			try {
				pathPermissions = PosixFilePermissions.fromString(permissions);
			}
			catch (IllegalArgumentException ex) {
				throw checked.invalid("path-permissions", listener.getPathPermissions(), "'" + permissions + "'",
						"it is not a POSIX permission string of nine characters",
						"permissions as ls -l shows them, such as rw-rw----");
			}
		}
		else if (listener.getPathPermissions() != null) {
			throw checked.invalid("path-permissions", listener.getPathPermissions(), "'" + permissions + "'",
					"the listener has no Unix domain socket file (path is not set)",
					"no value (remove it), or set path to listen on a Unix domain socket");
		}
		return new Deployment(acceptors, followReadiness, unbind, (disableDelay != null) ? disableDelay : Duration.ZERO,
				source, listener.getChannelBean(), pathPermissions);
	}

	private static ProxyProtocolSettings proxyProtocol(Listener listener, Defaults defaults, ListenerValues values,
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
					throw checked.invalid("trusted-proxies[" + i + "]", listener.getTrustedProxies(), "'" + range + "'",
							"it is not an IP address or CIDR range (" + ex.getMessage() + ")",
							"an IP address or CIDR range of a proxy, such as 10.0.0.0/8 or 2001:db8::/32");
				}
			}
		}
		Duration timeout = checked.positive("proxy-protocol-timeout", listener.getProxyProtocolTimeout(),
				defaults.getProxyProtocolTimeout(), ProxyProtocolSettings.DEFAULT_TIMEOUT);
		if (mode == ProxyProtocolMode.REQUIRED && trustedProxies.isEmpty() && address instanceof InetSocketAddress) {
			// Name the listener's own property, where a range for this listener belongs.
			throw checked.invalid("trusted-proxies", (listener.getTrustedProxies() != null) ? listener.getTrustedProxies()
					: List.of(), "empty", "proxy-protocol is required, so the listener must know which proxies may "
							+ "send a header (it would close every connection otherwise)",
					"the addresses or CIDR ranges of the proxies in front of it, such as 10.0.0.0/8, or set "
							+ values.property("proxy-protocol", listener.getProxyProtocol()) + " to off");
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

	static String print(Duration duration) {
		return duration.toMillis() + "ms";
	}

}
