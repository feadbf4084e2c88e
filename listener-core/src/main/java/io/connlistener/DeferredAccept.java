package io.connlistener;

import java.net.SocketAddress;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import io.connlistener.loop.IoHandler;
import io.connlistener.loop.ScheduledTask;

/**
 * An accepted connection held back until it becomes readable, for
 * {@link ListenerOption#DEFERRED_ACCEPT}: Linux's {@code TCP_DEFER_ACCEPT} done in user space.
 * Used on the listener's loop thread only.
 */
final class DeferredAccept implements IoHandler {

	private final ConnListener listener;

	private final AcceptedConnection accepted;

	private SelectionKey key;

	private ScheduledTask timeout;

	DeferredAccept(ConnListener listener, AcceptedConnection accepted) {
		this.listener = listener;
		this.accepted = accepted;
	}

	AcceptedConnection accepted() {
		return this.accepted;
	}

	SocketChannel connection() {
		return this.accepted.channel();
	}

	SocketAddress remoteAddress() {
		return this.accepted.remoteAddress();
	}

	/**
	 * Watch the connection; return whether it is now waiting.
	 */
	boolean start(Duration timeout) {
		try {
			this.key = this.listener.eventLoop().register(connection(), SelectionKey.OP_READ, this);
		}
		catch (ClosedChannelException ex) {
			return false;
		}
		this.timeout = this.listener.eventLoop().schedule(timeout, this::timedOut);
		return true;
	}

	@Override
	public void handle(SelectionKey key) {
		this.timeout.cancel();
		// Deregister before handing over, so the callback may register the channel anywhere
		// or make it blocking again.
		key.cancel();
		this.listener.eventLoop().executeAfterSelect(() -> this.listener.deferredReady(this));
	}

	private void timedOut() {
		// Count before closing, so a client that sees the close also sees the count.
		this.listener.deferredTimedOut(this);
		abandon();
	}

	void abandon() {
		this.timeout.cancel();
		this.key.cancel();
		ConnListener.closeQuietly(connection());
	}

	@Override
	public void failed(SelectionKey key, Throwable failure) {
		this.listener.deferredAbandoned(this);
		abandon();
	}

	@Override
	public void loopClosed(SelectionKey key) {
		this.listener.deferredAbandoned(this);
		abandon();
	}

	@Override
	public String toString() {
		return "DeferredAccept[" + remoteAddress() + "]";
	}

}
