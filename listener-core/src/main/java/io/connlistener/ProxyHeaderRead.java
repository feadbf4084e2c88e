package io.connlistener;

import java.io.EOFException;
import java.io.IOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.time.Duration;

import io.connlistener.loop.EventLoop;
import io.connlistener.loop.IoHandler;
import io.connlistener.loop.ScheduledTask;
import io.connlistener.proxy.ProxyHeader;
import io.connlistener.proxy.ProxyHeaderParser;
import io.connlistener.proxy.ProxyProtocolException;

/**
 * An accepted connection whose PROXY protocol header is being read, for
 * {@link ProxyProtocolMode#REQUIRED}: read without blocking as bytes arrive, never past the
 * header, and given up after a timeout. Used on the listener's loop thread only.
 */
final class ProxyHeaderRead implements IoHandler {

	private final ConnListener listener;

	private final SocketChannel connection;

	private final SocketAddress peerAddress;

	private final ProxyHeaderParser parser = new ProxyHeaderParser(ProxyProtocolSettings.MAX_HEADER_LENGTH);

	private SelectionKey key;

	private ScheduledTask timeout;

	ProxyHeaderRead(ConnListener listener, SocketChannel connection, SocketAddress peerAddress) {
		this.listener = listener;
		this.connection = connection;
		this.peerAddress = peerAddress;
	}

	SocketChannel connection() {
		return this.connection;
	}

	SocketAddress peerAddress() {
		return this.peerAddress;
	}

	/**
	 * Read the header if it has arrived with the connection, as it usually has; otherwise
	 * watch the connection. Return whether it is now waiting: {@code false} means the
	 * listener has been told the outcome already.
	 */
	boolean start(Duration timeout) {
		ProxyHeader header;
		try {
			header = read();
		}
		catch (IOException ex) {
			fail(ex);
			return false;
		}
		if (header != null) {
			this.listener.proxyHeaderRead(this, header);
			return false;
		}
		try {
			this.key = this.listener.eventLoop().register(this.connection, SelectionKey.OP_READ, this);
		}
		catch (ClosedChannelException ex) {
			fail(ex);
			return false;
		}
		this.timeout = this.listener.eventLoop().schedule(timeout, this::timedOut);
		return true;
	}

	@Override
	public void handle(SelectionKey key) {
		ProxyHeader header;
		try {
			header = read();
		}
		catch (IOException ex) {
			fail(ex);
			return;
		}
		if (header != null) {
			this.timeout.cancel();
			// Deregister before handing over, so that the channel may be registered again
			// (for a deferred accept, or by the callback) or made blocking. A key cancelled
			// while the selector dispatches is deregistered by the selection after this one,
			// so hand over once that has run.
			key.cancel();
			EventLoop loop = this.listener.eventLoop();
			loop.executeAfterSelect(() -> loop.executeAfterSelect(() -> this.listener.proxyHeaderRead(this, header)));
		}
	}

	/**
	 * Read what has arrived, at most the bytes the header still needs; return the header
	 * once whole, or {@code null} to wait for more.
	 */
	private ProxyHeader read() throws IOException {
		ByteBuffer buffer = this.listener.proxyReadBuffer();
		// Bounded: each pass takes at least one byte of a header of bounded length.
		while (true) {
			buffer.clear().limit(Math.min(this.parser.bytesNeeded(), buffer.capacity()));
			int read = this.connection.read(buffer);
			if (read < 0) {
				throw new EOFException("Closed by the peer before a whole PROXY header arrived");
			}
			if (read == 0) {
				return null;
			}
			buffer.flip();
			ProxyHeader header = this.parser.feed(buffer);
			if (header != null) {
				return header;
			}
		}
	}

	private void fail(IOException ex) {
		RejectionReason reason = (ex instanceof ProxyProtocolException) ? RejectionReason.PROXY_MALFORMED
				: RejectionReason.PROXY_INCOMPLETE;
		// Count before closing, so a client that sees the close also sees the count.
		this.listener.proxyHeaderFailed(this, reason, ex);
		abandon();
	}

	private void timedOut() {
		this.listener.proxyHeaderFailed(this, RejectionReason.PROXY_TIMEOUT, null);
		abandon();
	}

	void abandon() {
		if (this.timeout != null) {
			this.timeout.cancel();
		}
		if (this.key != null) {
			this.key.cancel();
		}
		ConnListener.closeQuietly(this.connection);
	}

	@Override
	public void failed(SelectionKey key, Throwable failure) {
		this.listener.proxyHeaderFailed(this, RejectionReason.PROXY_MALFORMED, null);
		abandon();
	}

	@Override
	public void loopClosed(SelectionKey key) {
		this.listener.proxyHeaderAbandoned(this);
		abandon();
	}

	@Override
	public String toString() {
		return "ProxyHeaderRead[" + this.peerAddress + "]";
	}

}
