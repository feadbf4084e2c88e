package io.connlistener.proxy;

/**
 * Whether a listener expects a PROXY protocol header at the start of each connection. The
 * specification forbids guessing whether a header is present, so there is no optional mode:
 * a listener either never reads one or requires one on every connection.
 */
public enum ProxyProtocolMode {

	/**
	 * No header is read: the connection's first byte is the application's.
	 */
	OFF,

	/**
	 * Every connection must start with a version 1 or version 2 header from a trusted proxy;
	 * any other connection is closed before a callback sees it.
	 */
	REQUIRED

}
