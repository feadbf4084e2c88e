package io.connlistener;

import io.connlistener.admission.AdmissionRule;
import io.connlistener.admission.AdmissionSettings;
import io.connlistener.proxy.ProxyProtocolSettings;
import io.connlistener.tls.ClientAuth;
import io.connlistener.tls.TlsSettings;

/**
 * Why a listener closed a connection it had accepted before any callback saw it, or why it
 * stopped accepting. A small fixed set, so it is safe as a meter tag.
 */
public enum RejectionReason {

	/**
	 * The listener reached its connection limit: counted once each time accepting pauses,
	 * or once per connection closed at once with {@link ListenerSettings.LimitAction#CLOSE}.
	 */
	MAX_CONNECTIONS("max-connections"),

	/**
	 * An IPv4 client reached an IPv6 wildcard listener with {@link ListenerOption#BIND_IPV6ONLY}.
	 */
	IPV4_ON_IPV6_ONLY("ipv4-on-ipv6-only"),

	/**
	 * A connection accepted with {@link ListenerOption#DEFERRED_ACCEPT} sent nothing before
	 * the deferred-accept timeout.
	 */
	DEFERRED_ACCEPT_TIMEOUT("deferred-accept-timeout"),

	/**
	 * The accept callback threw, so the listener closed the connection.
	 */
	CALLBACK_FAILED("callback-failed"),

	/**
	 * A deferred connection became readable after the callback had been set to {@code null}.
	 */
	NO_CALLBACK("no-callback"),

	/**
	 * The client's address is denied by the listener's {@linkplain AdmissionRule admission
	 * rules}, or not allowed by them.
	 */
	DENIED("denied"),

	/**
	 * The client's address already had {@link AdmissionSettings#maxConnectionsPerIp()}
	 * connections open.
	 */
	PER_IP_LIMIT("per-ip-limit"),

	/**
	 * The listener had admitted {@link AdmissionSettings#acceptsPerSecond()} connections
	 * per second, with the burst used up.
	 */
	RATE_LIMIT("rate-limit"),

	/**
	 * The process was out of file descriptors: the listener released its
	 * {@linkplain AdmissionSettings#spareFileDescriptor() spare descriptor} to accept the
	 * connection and close it at once, so the client sees a close instead of a hang.
	 */
	NO_FILE_DESCRIPTORS("no-file-descriptors"),

	/**
	 * The listener requires a PROXY protocol header and the peer is not one of its
	 * {@linkplain ProxyProtocolSettings#trustedProxies() trusted proxies}.
	 */
	PROXY_UNTRUSTED("proxy-untrusted"),

	/**
	 * The connection did not start with a valid PROXY protocol header: another protocol,
	 * a malformed or unsupported header, or one longer than allowed (107 bytes for
	 * version 1).
	 */
	PROXY_MALFORMED("proxy-malformed"),

	/**
	 * The peer closed the connection before it had sent a whole PROXY protocol header, as a
	 * load balancer's TCP health check does.
	 */
	PROXY_INCOMPLETE("proxy-incomplete"),

	/**
	 * The connection had not sent a whole PROXY protocol header within the
	 * {@linkplain ProxyProtocolSettings#timeout() timeout}.
	 */
	PROXY_TIMEOUT("proxy-timeout"),

	/**
	 * The TLS handshake failed: the client sent something that is not TLS (plain text to a
	 * TLS port), offered no protocol, cipher suite or application protocol in common, sent no
	 * certificate where one is {@linkplain ClientAuth#NEED required}, or closed the connection
	 * during the handshake.
	 */
	TLS_HANDSHAKE_FAILED("tls-handshake-failed"),

	/**
	 * The connection had not completed its TLS handshake within the
	 * {@linkplain TlsSettings#handshakeTimeout() handshake timeout}.
	 */
	TLS_HANDSHAKE_TIMEOUT("tls-handshake-timeout"),

	/**
	 * The client's ClientHello claimed or took more than
	 * {@link TlsSettings#clientHelloMaxSize()} bytes.
	 */
	TLS_CLIENT_HELLO_TOO_LARGE("tls-client-hello-too-large");

	private final String tag;

	RejectionReason(String tag) {
		this.tag = tag;
	}

	/**
	 * Return the reason as a kebab-case tag value.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}
