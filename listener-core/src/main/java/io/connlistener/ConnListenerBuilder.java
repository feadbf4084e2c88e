package io.connlistener;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.Collection;
import java.util.EnumSet;
import java.util.List;
import java.util.Objects;
import java.util.Set;
import java.util.function.Consumer;

import io.connlistener.admission.AdmissionRule;
import io.connlistener.admission.AdmissionSettings;
import io.connlistener.admission.CidrRange;
import io.connlistener.internal.accept.ListenerSockets;
import io.connlistener.loop.EventLoop;
import io.connlistener.proxy.ProxyProtocolMode;
import io.connlistener.proxy.ProxyProtocolSettings;
import io.connlistener.tls.TlsSettings;

/**
 * Builds a {@link ConnListener} with settings beyond libevent's arguments. Obtained from
 * {@link ConnListener#builder(EventLoop)}; not thread-safe.
 */
public final class ConnListenerBuilder {

	private final EventLoop loop;

	private final Set<ListenerOption> options = EnumSet.noneOf(ListenerOption.class);

	private int backlog = -1;

	private AcceptCallback callback;

	private AcceptErrorCallback errorCallback;

	private int maxAcceptsPerWakeup = ListenerSettings.DEFAULT_MAX_ACCEPTS_PER_WAKEUP;

	private Duration backoffInitial = ListenerSettings.DEFAULT_BACKOFF_INITIAL;

	private Duration backoffMax = ListenerSettings.DEFAULT_BACKOFF_MAX;

	private Duration deferredAcceptTimeout = ListenerSettings.DEFAULT_DEFERRED_ACCEPT_TIMEOUT;

	private int maxConnections = ListenerSettings.DEFAULT_MAX_CONNECTIONS;

	private int resumeConnections = ListenerSettings.DEFAULT_RESUME_CONNECTIONS;

	private ListenerSettings.LimitAction limitAction = ListenerSettings.DEFAULT_LIMIT_ACTION;

	private final List<AdmissionRule> rules = new ArrayList<>();

	private int maxConnectionsPerIp = AdmissionSettings.DEFAULT_MAX_CONNECTIONS_PER_IP;

	private double acceptsPerSecond = AdmissionSettings.DEFAULT_ACCEPTS_PER_SECOND;

	private int acceptBurst = AdmissionSettings.DEFAULT_ACCEPT_BURST;

	private boolean spareFileDescriptor = AdmissionSettings.DEFAULT_SPARE_FILE_DESCRIPTOR;

	private ProxyProtocolMode proxyProtocol = ProxyProtocolMode.OFF;

	private final List<CidrRange> trustedProxies = new ArrayList<>();

	private ConnectionCounts connectionCounts;

	private Consumer<SocketAddress> closeObserver;

	private ConnectionSetupObserver setupObserver;

	private Duration proxyProtocolTimeout = ProxyProtocolSettings.DEFAULT_TIMEOUT;

	private TlsSettings tls;

	ConnListenerBuilder(EventLoop loop) {
		this.loop = Objects.requireNonNull(loop, "'loop' must not be null");
	}

	/**
	 * Set the callback that receives accepted connections.
	 * @param callback the callback; {@code null} leaves the listener disabled until one is set
	 * @return this builder
	 */
	public ConnListenerBuilder callback(AcceptCallback callback) {
		this.callback = callback;
		return this;
	}

	/**
	 * Set the callback told of accept failures.
	 * @param errorCallback the callback, or {@code null}
	 * @return this builder
	 */
	public ConnListenerBuilder errorCallback(AcceptErrorCallback errorCallback) {
		this.errorCallback = errorCallback;
		return this;
	}

	/**
	 * Add options.
	 * @param options the options
	 * @return this builder
	 */
	public ConnListenerBuilder options(ListenerOption... options) {
		return options(java.util.List.of(options));
	}

	/**
	 * Add options.
	 * @param options the options
	 * @return this builder
	 */
	public ConnListenerBuilder options(Collection<ListenerOption> options) {
		Objects.requireNonNull(options, "'options' must not be null");
		this.options.addAll(options);
		return this;
	}

	/**
	 * Set the listen queue length: negative (the default) picks the kernel's
	 * {@code somaxconn}; 0 means the channel given to {@link #wrap} already listens.
	 * @param backlog the backlog
	 * @return this builder
	 */
	public ConnListenerBuilder backlog(int backlog) {
		this.backlog = backlog;
		return this;
	}

	/**
	 * Set the most connections accepted per loop wakeup.
	 * @param maxAcceptsPerWakeup at least 1
	 * @return this builder
	 */
	public ConnListenerBuilder maxAcceptsPerWakeup(int maxAcceptsPerWakeup) {
		this.maxAcceptsPerWakeup = maxAcceptsPerWakeup;
		return this;
	}

	/**
	 * Set the pause after a resource failure of accept: the first pause, doubling with each
	 * failure in a row up to the maximum.
	 * @param initial the first pause
	 * @param max the longest pause
	 * @return this builder
	 */
	public ConnListenerBuilder acceptErrorBackoff(Duration initial, Duration max) {
		this.backoffInitial = initial;
		this.backoffMax = max;
		return this;
	}

	/**
	 * Set how long a connection accepted with {@link ListenerOption#DEFERRED_ACCEPT} may stay
	 * silent before it is closed.
	 * @param timeout the timeout
	 * @return this builder
	 */
	public ConnListenerBuilder deferredAcceptTimeout(Duration timeout) {
		this.deferredAcceptTimeout = timeout;
		return this;
	}

	/**
	 * Limit the connections open at once. At the limit the listener pauses accepting until
	 * the open connections drop to {@code resumeConnections}, or with
	 * {@link ListenerSettings.LimitAction#CLOSE} accepts and closes new connections at once.
	 * @param maxConnections the limit; 0 for none
	 * @param resumeConnections the resume level; negative for 90% of the limit
	 * @param action what to do at the limit
	 * @return this builder
	 */
	public ConnListenerBuilder maxConnections(int maxConnections, int resumeConnections,
			ListenerSettings.LimitAction action) {
		this.maxConnections = maxConnections;
		this.resumeConnections = resumeConnections;
		this.limitAction = action;
		return this;
	}

	/**
	 * Add a rule that admits clients in a range, after the rules already added. Rules are
	 * evaluated in order, first match wins; once there is an allow rule, a client that no
	 * rule matches is denied.
	 * @param cidr the range, such as {@code 10.0.0.0/8} or {@code ::1}
	 * @return this builder
	 * @throws IllegalArgumentException if the range is invalid
	 * @see CidrRange#parse(String)
	 */
	public ConnListenerBuilder allow(String cidr) {
		return rule(AdmissionRule.allow(cidr));
	}

	/**
	 * Add a rule that closes connections from clients in a range, after the rules already
	 * added. Rules are evaluated in order, first match wins.
	 * @param cidr the range, such as {@code 10.0.0.0/8} or {@code ::1}
	 * @return this builder
	 * @throws IllegalArgumentException if the range is invalid
	 * @see CidrRange#parse(String)
	 */
	public ConnListenerBuilder deny(String cidr) {
		return rule(AdmissionRule.deny(cidr));
	}

	/**
	 * Add an admission rule after the rules already added.
	 * @param rule the rule
	 * @return this builder
	 */
	public ConnListenerBuilder rule(AdmissionRule rule) {
		Objects.requireNonNull(rule, "'rule' must not be null");
		this.rules.add(rule);
		return this;
	}

	/**
	 * Cap the connections open at once from one client address; the next one is closed at
	 * once. Report closes with {@link ConnListener#connectionClosed(SocketAddress)} so the
	 * count goes down.
	 * @param maxConnectionsPerIp the cap; 0 for none
	 * @return this builder
	 */
	public ConnListenerBuilder maxConnectionsPerIp(int maxConnectionsPerIp) {
		this.maxConnectionsPerIp = maxConnectionsPerIp;
		return this;
	}

	/**
	 * Limit how many connections are admitted per second (a token bucket of {@code burst}
	 * tokens that starts full); connections over the limit are closed at once.
	 * @param acceptsPerSecond the average rate; 0 for no limit
	 * @param burst most connections admitted at once; 0 for one second's worth
	 * @return this builder
	 */
	public ConnListenerBuilder acceptRateLimit(double acceptsPerSecond, int burst) {
		this.acceptsPerSecond = acceptsPerSecond;
		this.acceptBurst = burst;
		return this;
	}

	/**
	 * Set whether the listener holds a spare file descriptor to accept and close pending
	 * connections at once when the process runs out of descriptors (on by default).
	 * @param spareFileDescriptor whether to hold a spare descriptor
	 * @return this builder
	 */
	public ConnListenerBuilder spareFileDescriptor(boolean spareFileDescriptor) {
		this.spareFileDescriptor = spareFileDescriptor;
		return this;
	}

	/**
	 * Use the given admission settings, replacing the rules added so far.
	 * @param admission the admission settings
	 * @return this builder
	 */
	public ConnListenerBuilder admission(AdmissionSettings admission) {
		Objects.requireNonNull(admission, "'admission' must not be null");
		this.rules.clear();
		this.rules.addAll(admission.rules());
		this.maxConnectionsPerIp = admission.maxConnectionsPerIp();
		this.acceptsPerSecond = admission.acceptsPerSecond();
		this.acceptBurst = admission.acceptBurst();
		this.spareFileDescriptor = admission.spareFileDescriptor();
		return this;
	}

	/**
	 * Set whether every connection must start with a PROXY protocol header (version 1 or 2),
	 * read before admission; the callback then sees the client's address from the header.
	 * Requires {@linkplain #trustedProxies(List) trusted proxies} on a TCP listener.
	 * @param mode {@link ProxyProtocolMode#REQUIRED} to require a header
	 * @return this builder
	 * @see ProxyProtocolSettings
	 */
	public ConnListenerBuilder proxyProtocol(ProxyProtocolMode mode) {
		this.proxyProtocol = Objects.requireNonNull(mode, "'mode' must not be null");
		return this;
	}

	/**
	 * Set the peers allowed to send a PROXY protocol header, replacing those set before;
	 * with the header required, a connection from any other peer is closed.
	 * @param ranges the proxies' addresses
	 * @return this builder
	 */
	public ConnListenerBuilder trustedProxies(List<CidrRange> ranges) {
		Objects.requireNonNull(ranges, "'ranges' must not be null");
		this.trustedProxies.clear();
		this.trustedProxies.addAll(ranges);
		return this;
	}

	/**
	 * Set the peers allowed to send a PROXY protocol header, replacing those set before.
	 * @param cidrs the proxies' addresses, such as {@code 10.0.0.0/8} or {@code ::1}
	 * @return this builder
	 * @throws IllegalArgumentException if a range is invalid
	 * @see CidrRange#parse(String)
	 */
	public ConnListenerBuilder trustedProxies(String... cidrs) {
		return trustedProxies(Arrays.stream(cidrs).map(CidrRange::parse).toList());
	}

	/**
	 * Set how long a connection may take to send its whole PROXY protocol header before it
	 * is closed.
	 * @param timeout the timeout
	 * @return this builder
	 */
	public ConnListenerBuilder proxyProtocolTimeout(Duration timeout) {
		this.proxyProtocolTimeout = timeout;
		return this;
	}

	/**
	 * Use the given PROXY protocol settings.
	 * @param settings the settings
	 * @return this builder
	 */
	public ConnListenerBuilder proxyProtocol(ProxyProtocolSettings settings) {
		Objects.requireNonNull(settings, "'settings' must not be null");
		this.proxyProtocol = settings.mode();
		trustedProxies(settings.trustedProxies());
		this.proxyProtocolTimeout = settings.timeout();
		return this;
	}

	/**
	 * Run TLS on every connection: after the PROXY header, admission and deferred accept,
	 * the listener runs the handshake on its loop and hands the callback an
	 * {@link AcceptedConnection} whose {@link AcceptedConnection#tls() TLS channel} carries
	 * plaintext. A callback must then use that channel, not the socket under it.
	 * @param settings the TLS settings; {@code null} for a plain listener (the default)
	 * @return this builder
	 */
	public ConnListenerBuilder tls(TlsSettings settings) {
		this.tls = settings;
		return this;
	}

	/**
	 * Count connections together with other listeners, so that the connection limit and the
	 * per-IP cap hold for all of them together: for several sockets of one service, or for
	 * the sockets it binds again after closing them. Without it the listener counts alone.
	 * @param counts the counts to share
	 * @return this builder
	 */
	public ConnListenerBuilder connectionCounts(ConnectionCounts counts) {
		this.connectionCounts = Objects.requireNonNull(counts, "'counts' must not be null");
		return this;
	}

	/**
	 * Be told of every close reported with {@link ConnListener#connectionClosed(SocketAddress)},
	 * on the reporting thread: for code that keeps its own books of the connections a
	 * callback serves.
	 * @param observer takes the reported address; must be quick
	 * @return this builder
	 */
	public ConnListenerBuilder onConnectionClosed(Consumer<SocketAddress> observer) {
		this.closeObserver = Objects.requireNonNull(observer, "'observer' must not be null");
		return this;
	}

	/**
	 * Be told of every connection the listener accepts, on the loop thread, before any stage
	 * of the accept path: to follow each connection's setup up to its first byte.
	 * @param observer begins following each connection; must be quick
	 * @return this builder
	 */
	public ConnListenerBuilder onConnectionAccepted(ConnectionSetupObserver observer) {
		this.setupObserver = Objects.requireNonNull(observer, "'observer' must not be null");
		return this;
	}

	/**
	 * Use the given settings.
	 * @param settings the settings
	 * @return this builder
	 */
	public ConnListenerBuilder settings(ListenerSettings settings) {
		this.maxAcceptsPerWakeup = settings.maxAcceptsPerWakeup();
		this.backoffInitial = settings.backoffInitial();
		this.backoffMax = settings.backoffMax();
		this.deferredAcceptTimeout = settings.deferredAcceptTimeout();
		this.maxConnections = settings.maxConnections();
		this.resumeConnections = settings.resumeConnections();
		this.limitAction = settings.limitAction();
		return this;
	}

	/**
	 * Open a channel, bind it and listen: libevent's {@code evconnlistener_new_bind}.
	 * @param address where to listen
	 * @return the listener
	 * @throws IOException if the channel cannot be opened or bound; a
	 * {@link java.net.BindException} names the address
	 */
	public ConnListener bind(SocketAddress address) throws IOException {
		Objects.requireNonNull(address, "'address' must not be null");
		ListenerSpec spec = spec(address);
		ServerSocketChannel channel = ListenerSockets.bind(address, this.options, this.backlog);
		try {
			return new ConnListener(this.loop, channel, spec, address instanceof UnixDomainSocketAddress);
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	/**
	 * Listen on a bound channel: libevent's {@code evconnlistener_new}. The backlog must be 0.
	 * @param channel the channel
	 * @return the listener
	 * @throws IOException if the channel cannot be configured
	 */
	public ConnListener wrap(ServerSocketChannel channel) throws IOException {
		Objects.requireNonNull(channel, "'channel' must not be null");
		SocketAddress address = channel.getLocalAddress();
		if (address == null) {
			throw new IllegalArgumentException("The channel is not bound: bind it first, or use ConnListener.bind");
		}
		if (this.backlog != 0) {
			throw new IllegalArgumentException("A bound channel already listens with the backlog given to its bind: "
					+ "pass backlog 0 to wrap, not " + this.backlog);
		}
		ListenerSpec spec = spec(address);
		ListenerSockets.applyOptions(channel, this.options);
		return new ConnListener(this.loop, channel, spec, false);
	}

	private ListenerSpec spec(SocketAddress address) {
		Objects.requireNonNull(this.loop, "'loop' must not be null");
		if (this.loop.isClosed()) {
			throw new IllegalStateException(this.loop + " is closed");
		}
		ProxyProtocolSettings proxyProtocol = proxyProtocolSettings();
		if (proxyProtocol.isRequired() && address instanceof InetSocketAddress && proxyProtocol.trustedProxies().isEmpty()) {
			throw new IllegalArgumentException("A listener on " + ListenerSockets.describe(address)
					+ " that requires a PROXY protocol header needs the ranges of its trusted proxies: "
					+ "without any, it would close every connection");
		}
		ConnListener.checkServesTls(this.callback, this.tls);
		return new ListenerSpec(this.callback, this.errorCallback, this.options, settings(), admission(), proxyProtocol,
				counts(), this.closeObserver, this.tls, this.setupObserver);
	}

	private ConnectionCounts counts() {
		return (this.connectionCounts != null) ? this.connectionCounts : new ConnectionCounts();
	}

	private ProxyProtocolSettings proxyProtocolSettings() {
		return new ProxyProtocolSettings(this.proxyProtocol, this.trustedProxies, this.proxyProtocolTimeout);
	}

	private AdmissionSettings admission() {
		return new AdmissionSettings(this.rules, this.maxConnectionsPerIp, this.acceptsPerSecond, this.acceptBurst,
				this.spareFileDescriptor);
	}

	private ListenerSettings settings() {
		return new ListenerSettings(this.maxAcceptsPerWakeup, this.backoffInitial, this.backoffMax,
				this.deferredAcceptTimeout, this.maxConnections, this.resumeConnections, this.limitAction);
	}

}
