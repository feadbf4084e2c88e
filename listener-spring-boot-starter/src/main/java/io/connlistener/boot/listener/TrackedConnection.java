package io.connlistener.boot.listener;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.concurrent.atomic.AtomicBoolean;

import io.connlistener.ConnListener;

/**
 * One accepted connection that a {@link ManagedConnListener} counts until it closes.
 * <p>
 * Safe to use from any thread; {@link #release()} reports the close to the listener once,
 * however many times and from wherever it is called.
 */
final class TrackedConnection {

	private final ManagedConnListener owner;

	private final ConnListener listener;

	private final SocketChannel channel;

	private final SocketAddress remoteAddress;

	private final AtomicBoolean released = new AtomicBoolean();

	private volatile boolean forced;

	private volatile Runnable closer;

	TrackedConnection(ManagedConnListener owner, ConnListener listener, SocketChannel channel,
			SocketAddress remoteAddress) {
		this.owner = owner;
		this.listener = listener;
		this.channel = channel;
		this.remoteAddress = remoteAddress;
	}

	ManagedConnListener owner() {
		return this.owner;
	}

	ConnListener listener() {
		return this.listener;
	}

	SocketChannel channel() {
		return this.channel;
	}

	SocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	/**
	 * Return whether the connection was closed by the listener's shutdown rather than by its
	 * handler or its peer.
	 */
	boolean isForced() {
		return this.forced;
	}

	boolean isReleased() {
		return this.released.get();
	}

	/**
	 * Close through the given action instead of closing the channel directly, for a
	 * connection that holds more than its channel (buffers, a registration).
	 * @param closer closes the connection
	 */
	void closeWith(Runnable closer) {
		this.closer = closer;
	}

	/**
	 * Close the connection and report the close.
	 */
	void close() {
		Runnable closer = this.closer;
		if (closer != null) {
			closer.run();
		}
		try {
			this.channel.close();
		}
		catch (IOException ex) {
			// The peer is gone or the descriptor was already released; nothing to report.
		}
		release();
	}

	/**
	 * Close the channel on shutdown, so that its handler's failure is not reported.
	 */
	void forceClose() {
		this.forced = true;
		close();
	}

	/**
	 * Report the close to the listener, once.
	 */
	void release() {
		if (this.released.compareAndSet(false, true)) {
			this.owner.released(this);
		}
	}

	@Override
	public String toString() {
		return "connection from " + this.remoteAddress + " to listener '" + this.owner.name() + "'";
	}

}
