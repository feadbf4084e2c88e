package io.connlistener.boot.autoconfigure;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.connlistener.ListenerOption;
import io.connlistener.ListenerSettings;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Backoff;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Defaults;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Listener;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ListenerConfigurationException;

/**
 * Turns {@link ConnListenerProperties} into checked {@link ListenerDefinition listener
 * definitions}: a listener's own values win over {@code defaults}, and a value that cannot
 * work is a {@link ListenerConfigurationException} naming the listener, its address and the
 * property that holds the value.
 */
final class ListenerDefinitions {

	private static final String LISTENERS = ConnListenerProperties.PREFIX + ".listeners.";

	private static final String DEFAULTS = ConnListenerProperties.PREFIX + ".defaults.";

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
		Values values = new Values(name, listener, defaults);
		SocketAddress address = values.address();
		Values.Checked checked = values.checked(ListenerDefinition.describe(address));
		int backlog = (listener.getBacklog() != null) ? listener.getBacklog() : defaults.getBacklog();
		if (backlog == 0) {
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
		return new ListenerDefinition(name, address, backlog, options(listener, defaults), maxConnections,
				new ListenerSettings(maxAccepts, initial, max, deferredTimeout));
	}

	private static Set<ListenerOption> options(Listener listener, Defaults defaults) {
		List<ListenerOption> configured = (listener.getOptions() != null) ? listener.getOptions()
				: defaults.getOptions();
		Set<ListenerOption> options = EnumSet.noneOf(ListenerOption.class);
		if (configured != null) {
			options.addAll(configured);
		}
		boolean enabled = (listener.getEnabled() != null) ? listener.getEnabled() : defaults.isEnabled();
		if (!enabled) {
			options.add(ListenerOption.DISABLED);
		}
		return options;
	}

	static String print(Duration duration) {
		return duration.toMillis() + "ms";
	}

	/**
	 * Reads the values of one listener and reports which property a bad value came from.
	 */
	private static final class Values {

		private final String name;

		private final Listener listener;

		private final Defaults defaults;

		Values(String name, Listener listener, Defaults defaults) {
			this.name = name;
			this.listener = listener;
			this.defaults = defaults;
		}

		SocketAddress address() {
			Integer port = this.listener.getPort();
			String portProperty = LISTENERS + this.name + ".port";
			String pathProperty = LISTENERS + this.name + ".path";
			if (port == null && this.listener.getPath() == null) {
				throw new ListenerConfigurationException(this.name, portProperty, "Listener '" + this.name
						+ "' has no address: neither " + portProperty + " nor " + pathProperty + " is set.",
						"Set " + portProperty + " to listen on a TCP port, or " + pathProperty
								+ " to listen on a Unix domain socket.");
			}
			if (port != null && this.listener.getPath() != null) {
				throw new ListenerConfigurationException(this.name, pathProperty, "Listener '" + this.name
						+ "' has two addresses: " + portProperty + " is " + port + " and " + pathProperty + " is "
						+ this.listener.getPath() + ".",
						"Remove " + portProperty + " or " + pathProperty
								+ ": a listener listens on either a TCP port or a Unix domain socket.");
			}
			if (port == null) {
				return UnixDomainSocketAddress.of(this.listener.getPath());
			}
			String host = (this.listener.getAddress() != null) ? this.listener.getAddress()
					: this.defaults.getAddress();
			String addressProperty = property("address", this.listener.getAddress());
			if (port < 0 || port > 65535) {
				throw new ListenerConfigurationException(this.name, portProperty,
						"Listener '" + this.name + "' on " + host + ":" + port + " cannot start: " + portProperty
								+ " is " + port + ", but a port must be between 0 and 65535.",
						"Set " + portProperty + " to a port between 0 and 65535 (0 picks a free port).");
			}
			try {
				return new InetSocketAddress(InetAddress.getByName(host), port);
			}
			catch (UnknownHostException | RuntimeException ex) {
				throw new ListenerConfigurationException(this.name, addressProperty,
						"Listener '" + this.name + "' on " + host + ":" + port + " cannot start: " + addressProperty
								+ " is '" + host + "', which is neither an IP address nor a host name that resolves.",
						"Set " + addressProperty + " to an IP address or a resolvable host name of this machine, "
								+ "such as 127.0.0.1, or to 0.0.0.0 to listen on every interface.");
			}
		}

		Checked checked(String address) {
			return new Checked(address);
		}

		/**
		 * Name the property a value comes from: the listener's own, or the default's.
		 */
		String property(String key, Object listenerValue) {
			return (listenerValue != null) ? LISTENERS + this.name + "." + key : DEFAULTS + key;
		}

		private final class Checked {

			private final String address;

			Checked(String address) {
				this.address = address;
			}

			Duration positive(String key, Duration listenerValue, Duration defaultValue, Duration example) {
				Duration value = (listenerValue != null) ? listenerValue : defaultValue;
				if (value == null || value.isNegative() || value.isZero()) {
					throw invalid(key, listenerValue, (value != null) ? print(value) : "empty",
							"it must be a positive duration", "a positive duration such as " + print(example));
				}
				return value;
			}

			ListenerConfigurationException invalid(String key, Object listenerValue, Object shown,
					String problem, String expected) {
				String property = property(key, listenerValue);
				return new ListenerConfigurationException(Values.this.name, property,
						"Listener '" + Values.this.name + "' on " + this.address + " cannot start: " + property
								+ " is " + shown + ", but " + problem + ".",
						"Set " + property + " to " + expected + ".");
			}

		}

	}

}
