package io.connlistener.boot.autoconfigure;

import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.connlistener.AdmissionSettings;
import io.connlistener.ListenerOption;
import io.connlistener.ListenerSettings;
import io.connlistener.ListenerSettings.LimitAction;
import io.connlistener.ProxyProtocolMode;
import io.connlistener.ProxyProtocolSettings;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.buffer.BufferedConnectionSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of connection listeners, under {@code conn-listener}. Each entry of
 * {@code listeners} is one listener, named by its key; {@code defaults} holds the values a
 * listener takes when it does not set them. Unknown keys are an error.
 * <p>
 * The defaults of the settings beyond libevent's are those of
 * {@link ListenerSettings#DEFAULTS} and {@link ProxyProtocolSettings#OFF}. The default options are {@code reuseable} and
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
	 * Number of event loops that serve connections. Defaults to half the available
	 * processors, at least 1.
	 */
	private int ioThreads = defaultIoThreads();

	/**
	 * Whether listeners accept connections on a loop thread of their own rather than on
	 * one of the I/O loops, which serves the connections it takes without a hand-off.
	 */
	private boolean dedicatedAcceptorLoop;

	/**
	 * Values of every listener that does not set them itself.
	 */
	private final Defaults defaults = new Defaults();

	/**
	 * Listeners, by name. The name makes the bean name ({@code <name>ConnListener}) and
	 * is what {@code @ConnectionHandler} refers to.
	 */
	private final Map<String, Listener> listeners = new LinkedHashMap<>();

	/**
	 * Return the default number of I/O loops: half the available processors, at least 1.
	 * The other half is left to the kernel's TCP work, which the loops' system calls set off,
	 * and to the application's own threads; docs/BENCHMARKS.md has the figures.
	 * @return the number of loops
	 */
	public static int defaultIoThreads() {
		return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
	}

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

	public boolean isDedicatedAcceptorLoop() {
		return this.dedicatedAcceptorLoop;
	}

	public void setDedicatedAcceptorLoop(boolean dedicatedAcceptorLoop) {
		this.dedicatedAcceptorLoop = dedicatedAcceptorLoop;
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
		 * What to do with new connections at max-connections: pause accepting, so that
		 * they wait in the listen queue, or close them at once.
		 */
		private LimitAction maxConnectionsAction = ListenerSettings.DEFAULT_LIMIT_ACTION;

		/**
		 * Open connections at which a listener paused at max-connections accepts again.
		 * Defaults to 90% of max-connections.
		 */
		private Integer maxConnectionsResume;

		/**
		 * How long a connection may send nothing before it is closed; 0 for never.
		 * Buffered connections time out when nothing arrives, blocking ones when a read
		 * waits that long.
		 */
		private Duration idleTimeout = ListenerDefinition.DEFAULT_IDLE_TIMEOUT;

		/**
		 * How long output may make no progress, because the peer does not read, before the
		 * connection is closed; 0 for never. Defaults to idle-timeout.
		 */
		private Duration writeTimeout;

		/**
		 * Whether each listener holds a spare file descriptor, so that when the process runs
		 * out of descriptors it can accept and close waiting connections at once instead of
		 * leaving them hanging.
		 */
		private boolean spareFileDescriptor = AdmissionSettings.DEFAULT_SPARE_FILE_DESCRIPTOR;

		/**
		 * Whether accepted TCP connections send small writes at once (TCP_NODELAY) rather
		 * than hold them back to coalesce them (Nagle's algorithm).
		 */
		private boolean tcpNoDelay = true;

		/**
		 * Which connections are admitted, checked before any handler sees them.
		 */
		private final Admission admission = new Admission(new ArrayList<>(),
				AdmissionSettings.DEFAULT_MAX_CONNECTIONS_PER_IP, AdmissionSettings.DEFAULT_ACCEPTS_PER_SECOND,
				AdmissionSettings.DEFAULT_ACCEPT_BURST);

		/**
		 * Buffering of connections served by a buffered handler.
		 */
		private final Buffered buffered = new Buffered(
				DataSize.ofBytes(BufferedConnectionSettings.DEFAULT_READ_BUFFER_SIZE),
				DataSize.ofBytes(BufferedConnectionSettings.DEFAULT_READ_HIGH_WATERMARK),
				DataSize.ofBytes(BufferedConnectionSettings.DEFAULT_WRITE_HIGH_WATERMARK),
				DataSize.ofBytes(BufferedConnectionSettings.DEFAULT_WRITE_LOW_WATERMARK));

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

		/**
		 * Number of sockets bound to the port with SO_REUSEPORT, each accepting on its own
		 * event loop; the kernel spreads new connections over them.
		 */
		private int acceptors = 1;

		/**
		 * Whether listeners stop accepting while the application's readiness state is
		 * REFUSING_TRAFFIC, and accept again once it is ACCEPTING_TRAFFIC.
		 */
		private boolean followReadiness = true;

		/**
		 * Whether disabling a listener closes its listening sockets, so that new connections
		 * are refused instead of waiting in the kernel's queue; enabling binds them again.
		 */
		private boolean unbindOnDisable = false;

		/**
		 * POSIX permissions of Unix domain socket files, such as rw-rw----. Unset leaves
		 * them as the process's umask makes them.
		 */
		private String pathPermissions;

		/**
		 * Whether every connection must start with a PROXY protocol header (v1 or v2) from
		 * a trusted proxy, whose client address handlers then see. The header is never
		 * guessed: with 'required', a connection without one is closed.
		 */
		private ProxyProtocolMode proxyProtocol = ProxyProtocolMode.OFF;

		/**
		 * Addresses or CIDR ranges of the proxies allowed to send a PROXY protocol header;
		 * connections from other peers are closed. Needed by TCP listeners when
		 * proxy-protocol is 'required'.
		 */
		private List<String> trustedProxies = new ArrayList<>();

		/**
		 * How long a connection may take to send its whole PROXY protocol header before it
		 * is closed.
		 */
		private Duration proxyProtocolTimeout = ProxyProtocolSettings.DEFAULT_TIMEOUT;

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

		public LimitAction getMaxConnectionsAction() {
			return this.maxConnectionsAction;
		}

		public void setMaxConnectionsAction(LimitAction maxConnectionsAction) {
			this.maxConnectionsAction = maxConnectionsAction;
		}

		public Integer getMaxConnectionsResume() {
			return this.maxConnectionsResume;
		}

		public void setMaxConnectionsResume(Integer maxConnectionsResume) {
			this.maxConnectionsResume = maxConnectionsResume;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public Duration getWriteTimeout() {
			return this.writeTimeout;
		}

		public void setWriteTimeout(Duration writeTimeout) {
			this.writeTimeout = writeTimeout;
		}

		public boolean isSpareFileDescriptor() {
			return this.spareFileDescriptor;
		}

		public void setSpareFileDescriptor(boolean spareFileDescriptor) {
			this.spareFileDescriptor = spareFileDescriptor;
		}

		public boolean isTcpNoDelay() {
			return this.tcpNoDelay;
		}

		public void setTcpNoDelay(boolean tcpNoDelay) {
			this.tcpNoDelay = tcpNoDelay;
		}

		public Admission getAdmission() {
			return this.admission;
		}

		public Buffered getBuffered() {
			return this.buffered;
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

		public int getAcceptors() {
			return this.acceptors;
		}

		public void setAcceptors(int acceptors) {
			this.acceptors = acceptors;
		}

		public boolean isFollowReadiness() {
			return this.followReadiness;
		}

		public void setFollowReadiness(boolean followReadiness) {
			this.followReadiness = followReadiness;
		}

		public boolean isUnbindOnDisable() {
			return this.unbindOnDisable;
		}

		public void setUnbindOnDisable(boolean unbindOnDisable) {
			this.unbindOnDisable = unbindOnDisable;
		}

		public String getPathPermissions() {
			return this.pathPermissions;
		}

		public void setPathPermissions(String pathPermissions) {
			this.pathPermissions = pathPermissions;
		}

		public ProxyProtocolMode getProxyProtocol() {
			return this.proxyProtocol;
		}

		public void setProxyProtocol(ProxyProtocolMode proxyProtocol) {
			this.proxyProtocol = proxyProtocol;
		}

		public List<String> getTrustedProxies() {
			return this.trustedProxies;
		}

		public void setTrustedProxies(List<String> trustedProxies) {
			this.trustedProxies = trustedProxies;
		}

		public Duration getProxyProtocolTimeout() {
			return this.proxyProtocolTimeout;
		}

		public void setProxyProtocolTimeout(Duration proxyProtocolTimeout) {
			this.proxyProtocolTimeout = proxyProtocolTimeout;
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
		 * What to do with new connections at max-connections: pause accepting or close
		 * them at once.
		 */
		private LimitAction maxConnectionsAction;

		/**
		 * Open connections at which a listener paused at max-connections accepts again.
		 */
		private Integer maxConnectionsResume;

		/**
		 * How long a connection may send nothing before it is closed; 0 for never.
		 */
		private Duration idleTimeout;

		/**
		 * How long output may make no progress before the connection is closed; 0 for
		 * never.
		 */
		private Duration writeTimeout;

		/**
		 * Whether the listener holds a spare file descriptor for running out of them.
		 */
		private Boolean spareFileDescriptor;

		/**
		 * Whether accepted TCP connections get TCP_NODELAY.
		 */
		private Boolean tcpNoDelay;

		/**
		 * Which connections are admitted, checked before any handler sees them.
		 */
		private final Admission admission = new Admission(null, null, null, null);

		/**
		 * Buffering of connections served by a buffered handler.
		 */
		private final Buffered buffered = new Buffered(null, null, null, null);

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

		/**
		 * Number of sockets bound to the port with SO_REUSEPORT, each accepting on its own
		 * event loop.
		 */
		private Integer acceptors;

		/**
		 * Whether the listener stops accepting while the application refuses traffic.
		 */
		private Boolean followReadiness;

		/**
		 * Whether disabling the listener closes its listening sockets; enabling binds them
		 * again.
		 */
		private Boolean unbindOnDisable;

		/**
		 * POSIX permissions of the Unix domain socket file, such as rw-rw----.
		 */
		private String pathPermissions;

		/**
		 * Whether to listen on the socket the process inherited as standard input, as inetd
		 * and systemd (StandardInput=socket) pass it, instead of binding port or path.
		 */
		private boolean inherited;

		/**
		 * Name of a ServerSocketChannel bean, bound by the application, to listen on instead
		 * of binding port or path.
		 */
		private String channelBean;

		/**
		 * Whether every connection must start with a PROXY protocol header (v1 or v2) from
		 * a trusted proxy, whose client address handlers then see.
		 */
		private ProxyProtocolMode proxyProtocol;

		/**
		 * Addresses or CIDR ranges of the proxies allowed to send a PROXY protocol header;
		 * replaces the default ranges.
		 */
		private List<String> trustedProxies;

		/**
		 * How long a connection may take to send its whole PROXY protocol header before it
		 * is closed.
		 */
		private Duration proxyProtocolTimeout;

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

		public LimitAction getMaxConnectionsAction() {
			return this.maxConnectionsAction;
		}

		public void setMaxConnectionsAction(LimitAction maxConnectionsAction) {
			this.maxConnectionsAction = maxConnectionsAction;
		}

		public Integer getMaxConnectionsResume() {
			return this.maxConnectionsResume;
		}

		public void setMaxConnectionsResume(Integer maxConnectionsResume) {
			this.maxConnectionsResume = maxConnectionsResume;
		}

		public Duration getIdleTimeout() {
			return this.idleTimeout;
		}

		public void setIdleTimeout(Duration idleTimeout) {
			this.idleTimeout = idleTimeout;
		}

		public Duration getWriteTimeout() {
			return this.writeTimeout;
		}

		public void setWriteTimeout(Duration writeTimeout) {
			this.writeTimeout = writeTimeout;
		}

		public Boolean getSpareFileDescriptor() {
			return this.spareFileDescriptor;
		}

		public void setSpareFileDescriptor(Boolean spareFileDescriptor) {
			this.spareFileDescriptor = spareFileDescriptor;
		}

		public Boolean getTcpNoDelay() {
			return this.tcpNoDelay;
		}

		public void setTcpNoDelay(Boolean tcpNoDelay) {
			this.tcpNoDelay = tcpNoDelay;
		}

		public Admission getAdmission() {
			return this.admission;
		}

		public Buffered getBuffered() {
			return this.buffered;
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

		public Integer getAcceptors() {
			return this.acceptors;
		}

		public void setAcceptors(Integer acceptors) {
			this.acceptors = acceptors;
		}

		public Boolean getFollowReadiness() {
			return this.followReadiness;
		}

		public void setFollowReadiness(Boolean followReadiness) {
			this.followReadiness = followReadiness;
		}

		public Boolean getUnbindOnDisable() {
			return this.unbindOnDisable;
		}

		public void setUnbindOnDisable(Boolean unbindOnDisable) {
			this.unbindOnDisable = unbindOnDisable;
		}

		public String getPathPermissions() {
			return this.pathPermissions;
		}

		public void setPathPermissions(String pathPermissions) {
			this.pathPermissions = pathPermissions;
		}

		public boolean isInherited() {
			return this.inherited;
		}

		public void setInherited(boolean inherited) {
			this.inherited = inherited;
		}

		public String getChannelBean() {
			return this.channelBean;
		}

		public void setChannelBean(String channelBean) {
			this.channelBean = channelBean;
		}

		public ProxyProtocolMode getProxyProtocol() {
			return this.proxyProtocol;
		}

		public void setProxyProtocol(ProxyProtocolMode proxyProtocol) {
			this.proxyProtocol = proxyProtocol;
		}

		public List<String> getTrustedProxies() {
			return this.trustedProxies;
		}

		public void setTrustedProxies(List<String> trustedProxies) {
			this.trustedProxies = trustedProxies;
		}

		public Duration getProxyProtocolTimeout() {
			return this.proxyProtocolTimeout;
		}

		public void setProxyProtocolTimeout(Duration proxyProtocolTimeout) {
			this.proxyProtocolTimeout = proxyProtocolTimeout;
		}

	}

	/**
	 * Which connections a listener admits: checked on the acceptor loop right after accept,
	 * before any handler sees the connection. A connection refused is closed at once and
	 * counted by reason.
	 */
	public static class Admission {

		/**
		 * Address rules, each 'allow <cidr>' or 'deny <cidr>', checked in order: the first
		 * that matches decides. With at least one allow rule, a client no rule matches is
		 * denied. A listener that sets its own rules replaces these.
		 */
		private List<String> rules;

		/**
		 * Most connections open at once from one client address; 0 for no cap.
		 */
		private Integer maxConnectionsPerIp;

		/**
		 * Most connections admitted per second, on average; 0 for no limit.
		 */
		private Double acceptRate;

		/**
		 * Most connections admitted at once after a quiet period, over accept-rate; 0 for
		 * one second's worth.
		 */
		private Integer acceptBurst;

		Admission(List<String> rules, Integer maxConnectionsPerIp, Double acceptRate, Integer acceptBurst) {
			this.rules = rules;
			this.maxConnectionsPerIp = maxConnectionsPerIp;
			this.acceptRate = acceptRate;
			this.acceptBurst = acceptBurst;
		}

		public List<String> getRules() {
			return this.rules;
		}

		public void setRules(List<String> rules) {
			this.rules = rules;
		}

		public Integer getMaxConnectionsPerIp() {
			return this.maxConnectionsPerIp;
		}

		public void setMaxConnectionsPerIp(Integer maxConnectionsPerIp) {
			this.maxConnectionsPerIp = maxConnectionsPerIp;
		}

		public Double getAcceptRate() {
			return this.acceptRate;
		}

		public void setAcceptRate(Double acceptRate) {
			this.acceptRate = acceptRate;
		}

		public Integer getAcceptBurst() {
			return this.acceptBurst;
		}

		public void setAcceptBurst(Integer acceptBurst) {
			this.acceptBurst = acceptBurst;
		}

	}

	/**
	 * Buffering of connections served by a buffered handler: libevent's bufferevent
	 * watermarks.
	 */
	public static class Buffered {

		/**
		 * Size of each pooled buffer segment, so the most one read from the socket takes.
		 */
		private DataSize readBufferSize;

		/**
		 * Input held at which reading from the socket stops until the handler consumes it;
		 * 0 for no limit.
		 */
		private DataSize readHighWatermark;

		/**
		 * Output held above which the connection reports itself not writable.
		 */
		private DataSize writeHighWatermark;

		/**
		 * Output held at or below which the handler is told it may write again.
		 */
		private DataSize writeLowWatermark;

		Buffered(DataSize readBufferSize, DataSize readHighWatermark, DataSize writeHighWatermark,
				DataSize writeLowWatermark) {
			this.readBufferSize = readBufferSize;
			this.readHighWatermark = readHighWatermark;
			this.writeHighWatermark = writeHighWatermark;
			this.writeLowWatermark = writeLowWatermark;
		}

		public DataSize getReadBufferSize() {
			return this.readBufferSize;
		}

		public void setReadBufferSize(DataSize readBufferSize) {
			this.readBufferSize = readBufferSize;
		}

		public DataSize getReadHighWatermark() {
			return this.readHighWatermark;
		}

		public void setReadHighWatermark(DataSize readHighWatermark) {
			this.readHighWatermark = readHighWatermark;
		}

		public DataSize getWriteHighWatermark() {
			return this.writeHighWatermark;
		}

		public void setWriteHighWatermark(DataSize writeHighWatermark) {
			this.writeHighWatermark = writeHighWatermark;
		}

		public DataSize getWriteLowWatermark() {
			return this.writeLowWatermark;
		}

		public void setWriteLowWatermark(DataSize writeLowWatermark) {
			this.writeLowWatermark = writeLowWatermark;
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
