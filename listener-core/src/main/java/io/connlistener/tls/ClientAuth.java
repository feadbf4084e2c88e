package io.connlistener.tls;

/**
 * Whether a TLS listener asks its clients for a certificate.
 */
public enum ClientAuth {

	/**
	 * Do not ask for a client certificate.
	 */
	NONE,

	/**
	 * Ask for a client certificate, and go on without one when the client sends none.
	 */
	WANT,

	/**
	 * Require a client certificate signed by the trust material of the context: a client
	 * without one fails the handshake.
	 */
	NEED

}
