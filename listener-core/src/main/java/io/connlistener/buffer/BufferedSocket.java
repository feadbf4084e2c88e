package io.connlistener.buffer;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import io.connlistener.loop.EventLoop;
import io.connlistener.loop.IoHandler;
import io.connlistener.tls.TlsChannel;

/**
 * The loop side of a {@link BufferedConnection}, libevent's socket {@code bufferevent}: the
 * channel's registration and interest, and the connection's {@link ConnectionState}, every
 * move between states written here once with what it fires. The {@link ReadSide} and the
 * {@link WriteSide} move the bytes and tell it of what they met: the end of the stream, a
 * failure, an output flushed.
 * <p>
 * The transport: the sides read and write the socket itself, or over TLS its
 * {@link TlsChannel}, through the same calls; the few things TLS adds are here and in the
 * sides, each behind a check of {@link #tls}, so that a plain connection moves its bytes as
 * it would without TLS. TLS adds that records already read wait in the channel, which the
 * selector does not see ({@link TlsChannel#hasBufferedInput()}: read on the loop without
 * waiting for the socket), that the channel may need the socket writable for records the
 * handler did not write, or must not read while an answer waits ({@link TlsChannel#interestOps()}),
 * and that a close after flush ends with close_notify.
 * <p>
 * Loop thread only, except {@link #close()}, {@link #isOpen()}, {@link #error()} and
 * {@link #freeOffLoop()}.
 */
final class BufferedSocket implements IoHandler {

	private static final System.Logger logger = System.getLogger(BufferedConnection.class.getName());

	private final BufferedConnection connection;

	private final EventLoop loop;

	private final SocketChannel channel;

	/** The TLS channel over the socket, or {@code null} for a plain connection. */
	private final TlsChannel tls;

	private final CloseHooks closeHooks;

	private final HandlerCalls calls;

	private final ConnectionTimeouts timeouts;

	private final ReadSide reads;

	private final WriteSide writes;

	private ConnectionState state = ConnectionState.OPEN;

	private SelectionKey key;

	private int interestOps;

	/** TLS: a read of what the channel holds is queued on the loop. */
	private boolean bufferedReadQueued;

	/** TLS: close_notify was queued by a close after flush. */
	private boolean closeNotifyQueued;

	private final TrafficCounter traffic;

	/** Bytes read from the socket; written on the loop only, read anywhere. */
	private volatile long bytesReceived;

	/** Bytes written to the socket; written on the loop only, read anywhere. */
	private volatile long bytesSent;

	private volatile boolean open = true;

	private volatile IOException error;

	BufferedSocket(BufferedConnection connection, EventLoop loop, SocketChannel channel, TlsChannel tls,
			BufferedHandler handler, BufferedConnectionSettings settings, TrafficCounter traffic) {
		this.connection = connection;
		this.traffic = traffic;
		this.loop = loop;
		this.channel = channel;
		this.tls = tls;
		this.closeHooks = new CloseHooks(connection.remoteAddress());
		LoopResources resources = LoopResources.of(loop);
		BufferPool pool = resources.pool(settings.readBufferSize());
		this.calls = new HandlerCalls(connection, handler, this, resources);
		this.timeouts = new ConnectionTimeouts(this, loop, settings);
		this.reads = new ReadSide(this, (tls != null) ? tls : channel, tls, pool, settings.readHighWatermark(),
				this.calls, this.timeouts);
		this.writes = new WriteSide(this, (tls != null) ? tls : channel, tls, pool, settings, this.calls,
				this.timeouts);
	}

	ConnectionState state() {
		return this.state;
	}

	ReadSide reads() {
		return this.reads;
	}

	WriteSide writes() {
		return this.writes;
	}

	HandlerCalls calls() {
		return this.calls;
	}

	CloseHooks closeHooks() {
		return this.closeHooks;
	}

	boolean isOpen() {
		return this.open;
	}

	long bytesReceived() {
		return this.bytesReceived;
	}

	long bytesSent() {
		return this.bytesSent;
	}

	/**
	 * Count bytes read from the socket. Loop thread only.
	 * @param bytes how many; nothing happens for 0
	 */
	void received(long bytes) {
		if (bytes > 0) {
			// One writer: the loop.
			this.bytesReceived += bytes;
			this.traffic.received(bytes);
		}
	}

	/**
	 * Count bytes written to the socket. Loop thread only.
	 * @param bytes how many; nothing happens for 0
	 */
	void sent(long bytes) {
		if (bytes > 0) {
			this.bytesSent += bytes;
			this.traffic.sent(bytes);
		}
	}

	IOException error() {
		return this.error;
	}

	boolean isRegistered() {
		return this.key != null;
	}

	boolean isWatching(int op) {
		return this.state != ConnectionState.FREED && (this.interestOps & op) != 0;
	}

	/**
	 * Register the channel and call {@link BufferedHandler#onOpen}; the first task of the
	 * connection on its loop.
	 */
	void start() {
		if (this.state == ConnectionState.FREED) {
			return;
		}
		if (!this.open || this.loop.isClosed()) {
			free();
			return;
		}
		try {
			this.key = this.loop.register(this.channel, 0, this);
		}
		catch (ClosedChannelException ex) {
			free();
			return;
		}
		if (this.tls != null) {
			// The handshake's records, moved before the connection opened.
			received(this.tls.socketBytesRead());
			sent(this.tls.socketBytesWritten());
		}
		this.timeouts.opened();
		this.calls.onOpen();
	}

	@Override
	public void handle(SelectionKey key) {
		if (this.state == ConnectionState.FREED) {
			return;
		}
		int ready = key.readyOps();
		if ((ready & SelectionKey.OP_WRITE) != 0) {
			this.writes.flush();
			if (this.state == ConnectionState.FREED) {
				return;
			}
		}
		if ((ready & SelectionKey.OP_READ) != 0 && (this.interestOps & SelectionKey.OP_READ) != 0) {
			this.reads.read();
		}
	}

	@Override
	public void failed(SelectionKey key, Throwable failure) {
		free();
	}

	@Override
	public void loopClosed(SelectionKey key) {
		free();
	}

	void enableRead(boolean enable) {
		if (this.state != ConnectionState.FREED) {
			this.reads.enable(enable);
			interestChanged();
		}
	}

	void enableWrite(boolean enable) {
		if (this.state != ConnectionState.FREED) {
			this.writes.enable(enable);
			interestChanged();
		}
	}

	/**
	 * The peer shut its side down: EOF now, or once the queued output is flushed.
	 */
	/**
	 * Call the handler's {@link BufferedHandler#onRead} with what the input holds, while the
	 * handler still hears of what happens.
	 */
	void triggerRead() {
		if (this.state.notifies()) {
			this.calls.onRead();
		}
	}

	void endOfStream() {
		if (this.state != ConnectionState.OPEN) {
			// Closing: the flush frees the connection and nothing is told.
			return;
		}
		boolean flushed = this.writes.buffer().isEmpty() && !this.writes.transportPending();
		if (enter(flushed ? ConnectionState.PEER_CLOSED : ConnectionState.EOF_PENDING)) {
			updateInterest();
			if (flushed) {
				this.calls.onEvent(ConnectionEvent.EOF);
			}
		}
	}

	/**
	 * The output is empty: settle what waited for it.
	 */
	void outputFlushed() {
		if (this.state == ConnectionState.CLOSING) {
			if (this.tls != null && !this.closeNotifyQueued) {
				// The output is out: close_notify follows it, and the flush that sends it frees.
				this.closeNotifyQueued = true;
				try {
					this.tls.shutdownOutput();
				}
				catch (IOException ex) {
					free();
					return;
				}
				this.writes.flush();
				return;
			}
			free();
		}
		else if (this.state == ConnectionState.EOF_PENDING && enter(ConnectionState.PEER_CLOSED)) {
			this.calls.onEvent(ConnectionEvent.EOF);
		}
	}

	/**
	 * Reading or writing failed: ERROR, once; a connection that is closing is freed instead.
	 * @param ex the failure
	 */
	void fail(IOException ex) {
		if (!this.state.writes()) {
			return;
		}
		this.error = ex;
		if (this.state == ConnectionState.CLOSING) {
			free();
			return;
		}
		if (enter(ConnectionState.ERRORED)) {
			updateInterest();
			logger.log(Level.DEBUG, () -> "Connection from " + this.connection.remoteAddress() + " failed: " + ex);
			this.calls.onEvent(ConnectionEvent.ERROR);
		}
	}

	void closeAfterFlush() {
		if (this.state == ConnectionState.FREED || this.state == ConnectionState.CLOSING) {
			return;
		}
		if (this.state == ConnectionState.ERRORED || (this.writes.buffer().isEmpty() && this.tls == null)) {
			free();
			return;
		}
		if (enter(ConnectionState.CLOSING)) {
			this.writes.flushToClose();
		}
	}

	/**
	 * The outermost callback returned: do what it deferred.
	 */
	void callbackReturned() {
		if (this.state == ConnectionState.FREED) {
			return;
		}
		if (this.writes.flushDue()) {
			this.writes.flush();
		}
		else {
			updateInterest();
		}
	}

	/**
	 * Watch the socket for what the state and the two sides want now, and start the timeouts
	 * of the directions that became watched.
	 */
	void updateInterest() {
		SelectionKey key = this.key;
		if (key == null || this.state == ConnectionState.FREED) {
			return;
		}
		int ops = (this.reads.wanted() ? SelectionKey.OP_READ : 0)
				| (this.writes.wantsWritability() ? SelectionKey.OP_WRITE : 0);
		if (this.tls != null) {
			ops = tlsInterest(ops);
		}
		int old = this.interestOps;
		if (ops == old) {
			return;
		}
		if (!key.isValid()) {
			// The channel was closed behind our back.
			free();
			return;
		}
		this.interestOps = ops;
		key.interestOps(ops);
		this.timeouts.watching(ops & ~old);
	}

	/**
	 * TLS: read what the channel already holds, which the selector cannot tell, and do not
	 * watch for reading while the channel cannot read.
	 */
	private int tlsInterest(int ops) {
		if ((ops & SelectionKey.OP_READ) == 0) {
			return ops;
		}
		if (this.tls.hasBufferedInput()) {
			readBufferedLater();
		}
		return ((this.tls.interestOps() & SelectionKey.OP_READ) != 0) ? ops : ops & ~SelectionKey.OP_READ;
	}

	private void readBufferedLater() {
		if (!this.bufferedReadQueued) {
			this.bufferedReadQueued = true;
			this.loop.execute(this::readBuffered);
		}
	}

	private void readBuffered() {
		this.bufferedReadQueued = false;
		if (this.state != ConnectionState.FREED && this.reads.wanted() && this.tls.hasBufferedInput()) {
			this.reads.read();
			updateInterest();
		}
	}

	/**
	 * Close now, from any thread: on the loop, or here if the loop refuses tasks.
	 */
	void close() {
		this.open = false;
		if (!this.loop.runInLoop(this::free)) {
			freeOffLoop();
		}
	}

	/** Free the connection; on the loop thread. */
	void free() {
		if (!enter(ConnectionState.FREED)) {
			return;
		}
		this.open = false;
		this.timeouts.cancel();
		if (this.key != null) {
			this.key.cancel();
		}
		if (this.tls != null) {
			closeQuietly(this.tls);
		}
		else {
			closeQuietly(this.channel);
		}
		this.reads.free();
		this.writes.free();
		this.closeHooks.runAll();
	}

	/** Free the connection when its loop refuses tasks; the buffers are left to the collector. */
	void freeOffLoop() {
		if (!enter(ConnectionState.FREED)) {
			return;
		}
		this.open = false;
		closeQuietly(this.channel);
		this.closeHooks.runAll();
	}

	private void interestChanged() {
		if (!this.calls.inCallback()) {
			updateInterest();
		}
	}

	/**
	 * Move to a state, unless the connection was freed meanwhile, perhaps off the loop by a
	 * thread that found the loop closed.
	 */
	private synchronized boolean enter(ConnectionState next) {
		if (this.state == ConnectionState.FREED) {
			return false;
		}
		this.state = next;
		return true;
	}

	static void closeQuietly(java.nio.channels.Channel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Nothing more to do for a connection that is going away.
		}
	}

}
