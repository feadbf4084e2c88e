package io.connlistener.tls;

import io.connlistener.RejectionReason;

/**
 * How a TLS handshake ended. A small fixed set, so it is safe as a meter tag.
 */
public enum TlsHandshakeOutcome {

	/**
	 * The handshake completed: the connection goes on to the callback.
	 */
	SUCCESS("success"),

	/**
	 * The handshake failed, or the client did not speak TLS: the connection is closed as
	 * {@link RejectionReason#TLS_HANDSHAKE_FAILED}.
	 */
	FAILED("failed"),

	/**
	 * The handshake did not complete within {@link TlsSettings#handshakeTimeout()}: the
	 * connection is closed as {@link RejectionReason#TLS_HANDSHAKE_TIMEOUT}.
	 */
	TIMEOUT("timeout"),

	/**
	 * The client's ClientHello was longer than {@link TlsSettings#clientHelloMaxSize()}: the
	 * connection is closed as {@link RejectionReason#TLS_CLIENT_HELLO_TOO_LARGE}.
	 */
	CLIENT_HELLO_TOO_LARGE("client-hello-too-large");

	private final String tag;

	TlsHandshakeOutcome(String tag) {
		this.tag = tag;
	}

	/**
	 * Return the outcome as a kebab-case tag value.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

}
