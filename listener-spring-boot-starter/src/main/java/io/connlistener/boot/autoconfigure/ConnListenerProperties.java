package io.connlistener.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.connlistener.ListenerOption;
import io.connlistener.ListenerSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;

/**
 * Configuration of connection listeners, under {@code conn-listener}. Each entry of
 * {@code listeners} is one listener, named by its key; {@code defaults} holds the values a
 * listener takes when it does not set them. Unknown keys are an error.
 * <p>
 * The defaults of the settings beyond libevent's are those of
 * {@link ListenerSettings#DEFAULTS}. The default options are {@code reuseable} and
 * {@code close-on-free}, as libevent's own servers pass them, so that an application can
 * bind its port again right after a restart.
 */
@ConfigurationProperties(prefix = ConnListenerProperties.PREFIX, ignoreUnknownFields = false)
public class ConnListenerProperties {

	/**
	 * The prefix of every property.
	 */
	public static final String PREFIX = "conn-listener";

	/**
	 * Whether to create the listeners configured here.
	 */
	private boolean enabled = true;

	/**
	 * Number of event loops that serve buffered connections. Defaults to the number of
	 * available processors.
	 */
	private int ioThreads = Runtime.getRuntime().availableProcessors();

	/**
	 * Values of every listener that does not set them itself.
	 */
	private final Defaults defaults = new Defaults();

	/**
	 * Listeners, by name. The name makes the bean name ({@code <name>ConnListener}) and
	 * is what {@code @ConnectionHandler} refers to.
	 */
	private final Map<String, Listener> listeners = new LinkedHashMap<>();

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getIoThreads() {
		return this.ioThreads;
	}

	public void setIoThreads(int ioThreads) {
		this.ioThreads = ioThreads;
	}

	public Defaults getDefaults() {
		return this.defaults;
	}

	public Map<String, Listener> getListeners() {
		return this.listeners;
	}

	/**
	 * Values that every listener takes unless it sets its own.
	 */
	public static class Defaults {

		/**
		 * IP address or host name to listen on.
		 */
		private String address = "0.0.0.0";

		/**
		 * Listen queue length. Negative picks the kernel's somaxconn.
		 */
		private int backlog = -1;

		/**
		 * Listener options, libevent's LEV_OPT_* flags in kebab case. A listener that sets
		 * its own options replaces these.
		 */
		private List<ListenerOption> options = new ArrayList<>(
				List.of(ListenerOption.REUSEABLE, ListenerOption.CLOSE_ON_FREE));

		/**
		 * Whether listeners accept connections once bound. When false, they bind but wait
		 * to be enabled.
		 */
		private boolean enabled = true;

		/**
		 * Most connections a listener serves at once. Accepting pauses at the limit and
		 * resumes when a connection closes; it also bounds the threads of blocking
		 * handlers.
		 */
		private int maxConnections = 10_000;

		/**
		 * Pause after an accept fails for want of a resource, such as file descriptors.
		 */
		private final Backoff acceptErrorBackoff = new Backoff(ListenerSettings.DEFAULT_BACKOFF_INITIAL,
				ListenerSettings.DEFAULT_BACKOFF_MAX);

		/**
		 * Most connections accepted per event loop wakeup.
		 */
		private int maxAcceptsPerWakeup = ListenerSettings.DEFAULT_MAX_ACCEPTS_PER_WAKEUP;

		/**
		 * How long a connection accepted with the deferred-accept option may stay silent
		 * before it is closed.
		 */
		private Duration deferredAcceptTimeout = ListenerSettings.DEFAULT_DEFERRED_ACCEPT_TIMEOUT;

		public String getAddress() {
			return this.address;
		}

		public void setAddress(String address) {
			this.address = address;
		}

		public int getBacklog() {
			return this.backlog;
		}

		public void setBacklog(int backlog) {
			this.backlog = backlog;
		}

		public List<ListenerOption> getOptions() {
			return this.options;
		}

		public void setOptions(List<ListenerOption> options) {
			this.options = options;
		}

		public boolean isEnabled() {
			return this.enabled;
		}

		public void setEnabled(boolean enabled) {
			this.enabled = enabled;
		}

		public int getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(int maxConnections) {
			this.maxConnections = maxConnections;
		}

		public Backoff getAcceptErrorBackoff() {
			return this.acceptErrorBackoff;
		}

		public int getMaxAcceptsPerWakeup() {
			return this.maxAcceptsPerWakeup;
		}

		public void setMaxAcceptsPerWakeup(int maxAcceptsPerWakeup) {
			this.maxAcceptsPerWakeup = maxAcceptsPerWakeup;
		}

		public Duration getDeferredAcceptTimeout() {
			return this.deferredAcceptTimeout;
		}

		public void setDeferredAcceptTimeout(Duration deferredAcceptTimeout) {
			this.deferredAcceptTimeout = deferredAcceptTimeout;
		}

	}

	/**
	 * One listener. A value it does not set is taken from {@code defaults}.
	 */
	public static class Listener {

		/**
		 * TCP port to listen on; 0 picks a free port. Set either this or path.
		 */
		private Integer port;

		/**
		 * Unix domain socket file to listen on. Set either this or port.
		 */
		private Path path;

		/**
		 * IP address or host name to listen on.
		 */
		private String address;

		/**
		 * Listen queue length. Negative picks the kernel's somaxconn.
		 */
		private Integer backlog;

		/**
		 * Listener options, libevent's LEV_OPT_* flags in kebab case; replaces the default
		 * options.
		 */
		private List<ListenerOption> options;

		/**
		 * Whether the listener accepts connections once bound. When false, it binds but
		 * waits to be enabled.
		 */
		private Boolean enabled;

		/**
		 * Most connections served at once.
		 */
		private Integer maxConnections;

		/**
		 * Pause after an accept fails for want of a resource, such as file descriptors.
		 */
		private final Backoff acceptErrorBackoff = new Backoff(null, null);

		/**
		 * Most connections accepted per event loop wakeup.
		 */
		private Integer maxAcceptsPerWakeup;

		/**
		 * How long a connection accepted with the deferred-accept option may stay silent
		 * before it is closed.
		 */
		private Duration deferredAcceptTimeout;

		public Integer getPort() {
			return this.port;
		}

		public void setPort(Integer port) {
			this.port = port;
		}

		public Path getPath() {
			return this.path;
		}

		public void setPath(Path path) {
			this.path = path;
		}

		public String getAddress() {
			return this.address;
		}

		public void setAddress(String address) {
			this.address = address;
		}

		public Integer getBacklog() {
			return this.backlog;
		}

		public void setBacklog(Integer backlog) {
			this.backlog = backlog;
		}

		public List<ListenerOption> getOptions() {
			return this.options;
		}

		public void setOptions(List<ListenerOption> options) {
			this.options = options;
		}

		public Boolean getEnabled() {
			return this.enabled;
		}

		public void setEnabled(Boolean enabled) {
			this.enabled = enabled;
		}

		public Integer getMaxConnections() {
			return this.maxConnections;
		}

		public void setMaxConnections(Integer maxConnections) {
			this.maxConnections = maxConnections;
		}

		public Backoff getAcceptErrorBackoff() {
			return this.acceptErrorBackoff;
		}

		public Integer getMaxAcceptsPerWakeup() {
			return this.maxAcceptsPerWakeup;
		}

		public void setMaxAcceptsPerWakeup(Integer maxAcceptsPerWakeup) {
			this.maxAcceptsPerWakeup = maxAcceptsPerWakeup;
		}

		public Duration getDeferredAcceptTimeout() {
			return this.deferredAcceptTimeout;
		}

		public void setDeferredAcceptTimeout(Duration deferredAcceptTimeout) {
			this.deferredAcceptTimeout = deferredAcceptTimeout;
		}

	}

	/**
	 * Pause after an accept fails for want of a resource: the first pause doubles with each
	 * failure in a row, up to the longest.
	 */
	public static class Backoff {

		/**
		 * First pause.
		 */
		private Duration initial;

		/**
		 * Longest pause.
		 */
		private Duration max;

		Backoff(Duration initial, Duration max) {
			this.initial = initial;
			this.max = max;
		}

		public Duration getInitial() {
			return this.initial;
		}

		public void setInitial(Duration initial) {
			this.initial = initial;
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = max;
		}

	}

}
