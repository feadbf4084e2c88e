package io.connlistener.tls;

import java.util.List;
import java.util.Objects;

import javax.net.ssl.SSLContext;

/**
 * What a TLS handshake uses: the {@link SSLContext} that holds the key, certificate chain and
 * trust material, and the protocols and cipher suites enabled. Immutable.
 *
 * @param context the context the engine is created from
 * @param protocols the protocols enabled, such as {@code TLSv1.3}; empty for
 * {@link #DEFAULT_PROTOCOLS}, so that TLS 1.0 and 1.1 are refused unless asked for
 * @param cipherSuites the cipher suites enabled; empty for the context's defaults
 */
public record TlsServerContext(SSLContext context, List<String> protocols, List<String> cipherSuites) {

	/** Protocols enabled when none are given. */
	public static final List<String> DEFAULT_PROTOCOLS = List.of("TLSv1.3", "TLSv1.2");

	/**
	 * Check the context and copy the lists.
	 */
	public TlsServerContext {
		Objects.requireNonNull(context, "'context' must not be null");
		Objects.requireNonNull(protocols, "'protocols' must not be null");
		Objects.requireNonNull(cipherSuites, "'cipherSuites' must not be null");
		protocols = List.copyOf(protocols);
		cipherSuites = List.copyOf(cipherSuites);
	}

	/**
	 * Create a context with the default protocols and cipher suites.
	 * @param context the SSL context
	 * @return the server context
	 */
	public static TlsServerContext of(SSLContext context) {
		return new TlsServerContext(context, List.of(), List.of());
	}

	/**
	 * Return the protocols a handshake enables: {@link #protocols()}, or
	 * {@link #DEFAULT_PROTOCOLS} when empty.
	 * @return the protocols
	 */
	public List<String> effectiveProtocols() {
		return this.protocols.isEmpty() ? DEFAULT_PROTOCOLS : this.protocols;
	}

}
