package io.connlistener.tls;

import java.time.Duration;
import java.util.Objects;

/**
 * One TLS handshake a listener ran, as its {@link TlsHandshakeObserver} is told of it.
 *
 * @param duration from the start of the handshake stage (before the ClientHello was read)
 * to its end
 * @param outcome how it ended
 * @param protocol the negotiated protocol, such as {@code TLSv1.3}, or {@code null} unless
 * the outcome is {@link TlsHandshakeOutcome#SUCCESS}
 */
public record TlsHandshake(Duration duration, TlsHandshakeOutcome outcome, String protocol) {

	/**
	 * Check the handshake.
	 */
	public TlsHandshake {
		Objects.requireNonNull(duration, "'duration' must not be null");
		Objects.requireNonNull(outcome, "'outcome' must not be null");
	}

}
