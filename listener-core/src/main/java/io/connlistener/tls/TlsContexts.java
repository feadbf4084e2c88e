package io.connlistener.tls;

import java.util.Objects;

/**
 * Chooses the {@link TlsServerContext} of each TLS handshake from the host name the client
 * asked for (SNI). Called on the listener's loop thread once per handshake, after the
 * ClientHello was read and before the engine exists; the context returned serves that
 * connection only, so a source that swaps its context (a certificate reload) changes new
 * handshakes and leaves established connections alone. Must be quick and must not block.
 */
@FunctionalInterface
public interface TlsContexts {

	/**
	 * Choose the context of a handshake.
	 * @param serverName the host name the client sent as SNI, in lower case, or {@code null}
	 * when it sent none
	 * @return the context; never {@code null}
	 */
	TlsServerContext select(String serverName);

	/**
	 * Return contexts that always choose the given one.
	 * @param context the context of every handshake
	 * @return the contexts
	 */
	static TlsContexts of(TlsServerContext context) {
		Objects.requireNonNull(context, "'context' must not be null");
		return (serverName) -> context;
	}

}
