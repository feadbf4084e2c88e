package io.connlistener.boot.autoconfigure;

import java.time.Duration;
import java.util.List;

import io.connlistener.ListenerOption;
import io.connlistener.ListenerSettings.LimitAction;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Admission;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Backoff;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Buffered;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Framing;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Tls;
import io.connlistener.proxy.ProxyProtocolMode;

/**
 * Properties that both {@code conn-listener.defaults} and each listener take, each declared
 * once. A value is {@code null} until it is set: {@link ConnListenerProperties.Defaults} sets
 * every default, and a listener's unset value falls back to the default's.
 */
public abstract class ListenerProperties {

	/**
	 * IP address or host name to listen on. The socket is of the address's family: 0.0.0.0
	 * takes IPv4 clients only, :: IPv6 and IPv4 ones.
	 */
	private String address;

	/**
	 * Listen queue length. Negative picks the kernel's somaxconn.
	 */
	private Integer backlog;

	/**
	 * Listener options, libevent's LEV_OPT_* flags in kebab case. A listener that sets
	 * its own options replaces these.
	 */
	private List<ListenerOption> options;

	/**
	 * Whether listeners accept connections once bound. When false, they bind but wait
	 * to be enabled.
	 */
	private Boolean enabled;

	/**
	 * Most connections a listener serves at once. Accepting pauses at the limit and
	 * resumes when a connection closes; it also bounds the threads of blocking
	 * handlers.
	 */
	private Integer maxConnections;

	/**
	 * What to do with new connections at max-connections: pause accepting, so that
	 * they wait in the listen queue, or close them at once.
	 */
	private LimitAction maxConnectionsAction;

	/**
	 * Open connections at which a listener paused at max-connections accepts again.
	 * Defaults to 90% of max-connections.
	 */
	private Integer maxConnectionsResume;

	/**
	 * How long a connection may go without a byte read or written before it is closed,
	 * whatever paused it; 0 for never. Blocking connections time out while a read or
	 * write waits.
	 */
	private Duration idleTimeout;

	/**
	 * How long output may wait without the peer taking a byte before the connection is
	 * closed; 0 for never. A peer that reads at any pace never times out. Defaults to
	 * idle-timeout.
	 */
	private Duration writeTimeout;

	/**
	 * Whether each listener holds a spare file descriptor, so that when the process runs
	 * out of descriptors it can accept and close waiting connections at once instead of
	 * leaving them hanging.
	 */
	private Boolean spareFileDescriptor;

	/**
	 * Whether accepted TCP connections send small writes at once (TCP_NODELAY) rather
	 * than hold them back to coalesce them (Nagle's algorithm).
	 */
	private Boolean tcpNoDelay;

	/**
	 * Which connections are admitted, checked before any handler sees them.
	 */
	private final Admission admission = new Admission();

	/**
	 * Buffering of connections served by a buffered handler.
	 */
	private final Buffered buffered = new Buffered();

	/**
	 * Pause after an accept fails for want of a resource, such as file descriptors.
	 */
	private final Backoff acceptErrorBackoff = new Backoff();

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
	 * event loop; the kernel spreads new connections over them.
	 */
	private Integer acceptors;

	/**
	 * Whether listeners stop accepting while the application's readiness state is
	 * REFUSING_TRAFFIC, and accept again once it is ACCEPTING_TRAFFIC.
	 */
	private Boolean followReadiness;

	/**
	 * Whether disabling a listener closes its listening sockets, so that new connections
	 * are refused instead of waiting in the kernel's queue; enabling binds them again.
	 */
	private Boolean unbindOnDisable;

	/**
	 * How long a listener keeps accepting after it is told to stop (disabled, the
	 * application refusing traffic, or shutting down) while its health already reports it
	 * OUT_OF_SERVICE, so that a load balancer's health check takes it out of rotation
	 * before its socket stops accepting; 0 stops at once.
	 */
	private Duration disableDelay;

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
	private ProxyProtocolMode proxyProtocol;

	/**
	 * Addresses or CIDR ranges of the proxies allowed to send a PROXY protocol header;
	 * connections from other peers are closed. Needed by TCP listeners when
	 * proxy-protocol is 'required'.
	 */
	private List<String> trustedProxies;

	/**
	 * How long a connection may take to send its whole PROXY protocol header before it
	 * is closed.
	 */
	private Duration proxyProtocolTimeout;

	/**
	 * TLS on the connections the listener accepts, with the key and certificates of a
	 * Spring Boot SSL bundle.
	 */
	private final Tls tls = new Tls();

	/**
	 * How the bytes of connections served by a message handler are cut into messages,
	 * and replies framed. A message handler needs it; other handlers refuse a listener's
	 * own.
	 */
	private final Framing framing = new Framing();

	ListenerProperties() {
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

	public Duration getDisableDelay() {
		return this.disableDelay;
	}

	public void setDisableDelay(Duration disableDelay) {
		this.disableDelay = disableDelay;
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

	public Tls getTls() {
		return this.tls;
	}

	public Framing getFraming() {
		return this.framing;
	}

}
