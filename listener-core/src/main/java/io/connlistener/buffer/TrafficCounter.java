package io.connlistener.buffer;

/**
 * Told of the bytes the sockets of buffered connections move: once per read and once per
 * write that moved any, on the connection's loop thread, so that a listener's totals cost
 * one call per system call rather than anything per byte.
 * <p>
 * The bytes are those of the socket: over TLS the records, the handshake's included (told
 * when the connection opens), not the plaintext; a PROXY protocol header, read before the
 * connection opens, is not among them. One counter may serve the connections of several
 * loops at once, so it must be thread-safe (a {@link java.util.concurrent.atomic.LongAdder}
 * per direction, say) and quick.
 */
public interface TrafficCounter {

	/** A counter that counts nothing. */
	TrafficCounter NONE = new TrafficCounter() {

		@Override
		public void received(long bytes) {
		}

		@Override
		public void sent(long bytes) {
		}

	};

	/**
	 * Count bytes read from a socket.
	 * @param bytes how many, more than 0
	 */
	void received(long bytes);

	/**
	 * Count bytes written to a socket.
	 * @param bytes how many, more than 0
	 */
	void sent(long bytes);

}
