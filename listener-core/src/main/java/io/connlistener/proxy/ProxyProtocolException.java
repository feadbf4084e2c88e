package io.connlistener.proxy;

import java.io.IOException;

/**
 * Thrown by {@link ProxyHeaderParser} when the bytes are not a valid PROXY protocol header:
 * neither signature, too long, or a field the specification does not allow. The only
 * exception the parser throws on any input.
 */
public class ProxyProtocolException extends IOException {

	private static final long serialVersionUID = 1L;

	/**
	 * Create an exception.
	 * @param message what is wrong with the header
	 */
	public ProxyProtocolException(String message) {
		super(message);
	}

}
