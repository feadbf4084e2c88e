package io.connlistener.tls;

/**
 * Told of every TLS handshake a listener ends, once per connection: to time handshakes and
 * count their outcomes. Called on the listener's loop thread, so it must be quick and must
 * not block.
 */
@FunctionalInterface
public interface TlsHandshakeObserver {

	/**
	 * An observer that does nothing.
	 */
	TlsHandshakeObserver NONE = (handshake) -> {
	};

	/**
	 * Take a handshake that ended.
	 * @param handshake its duration, outcome and protocol
	 */
	void handshakeEnded(TlsHandshake handshake);

}
