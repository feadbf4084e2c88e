package io.connlistener.buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

import io.connlistener.loop.EventLoop;
import io.connlistener.loop.IoHandler;

/**
 * A non-blocking connection with an input and an output {@link ConnectionBuffer} on an
 * {@link EventLoop}: the Java counterpart of libevent's socket {@code bufferevent}. The loop
 * reads into {@link #input()} and calls {@link BufferedHandler#onRead}; bytes added to
 * {@link #output()} are written as soon as the socket takes them.
 * <p>
 * Callbacks run on the loop thread. {@link #input()} and {@link #output()} must only be used
 * on the loop thread; every other method may be called from any thread and is handed to the
 * loop when called elsewhere. Writing is tried at once when nothing is queued, and the socket
 * is only watched for writability once it pushes back; queued segments go out in one
 * gathering write. Segments come from a pool of the loop, so an echo in a steady state
 * allocates nothing.
 * <p>
 * Backpressure: reading stops while the input holds {@linkplain
 * BufferedConnectionSettings#readHighWatermark() the read high watermark}, and
 * {@link #isWritable()} turns {@code false} above the write high watermark; a handler that
 * forwards data should then {@link #disableRead()} until {@link BufferedHandler#onWrite}.
 * <p>
 * Half-close: when the peer shuts its side down while output is still queued, the connection
 * first flushes that output and then fires {@link ConnectionEvent#EOF}, so the default
 * handler's close does not cut the answer short.
 * <p>
 * Timeouts ({@link BufferedConnectionSettings}) measure bytes that move, never readiness: when
 * one runs out, the connection first tries the read or write it concerns, and a byte that
 * moves starts it over. So a peer that reads at any steady pace is never timed out, however
 * late the selector reports the socket writable, nor one whose bytes a busy loop has not
 * read yet. The read timeout runs while reading is enabled, as libevent's does; the write
 * timeout while output waits for the socket. The idle timeout runs from open to close and
 * is held off only by bytes read or written, so a peer that stops reading is timed out even
 * when the back-pressure it causes has paused reading.
 */
public final class BufferedConnection implements AutoCloseable {

	private static final System.Logger logger = System.getLogger(BufferedConnection.class.getName());

	/** Reads from the socket per readiness at most, so that one connection cannot starve the loop. */
	private static final int MAX_READS_PER_WAKEUP = 16;

	private final EventLoop loop;

	private final SocketChannel channel;

	private final BufferedHandler handler;

	private final BufferedConnectionSettings settings;

	private final LoopResources resources;

	private final ConnectionBuffer input;

	private final ConnectionBuffer output;

	private final SocketAddress remoteAddress;

	private final IoHandler io = new Io();

	private final IdleTimeout readTimeout;

	private final IdleTimeout writeTimeout;

	private final IdleTimeout idleTimeout;

	/** Whether output stuck at the idle timeout is told as a write timeout: one no longer than it. */
	private final boolean stallIsWriteTimeout;

	private final CloseHooks closeHooks = new CloseHooks();

	private final Runnable writeCallbackTask = this::invokeWrite;

	private SelectionKey key;

	private int interestOps;

	private boolean readEnabled = true;

	private boolean writeEnabled = true;

	private boolean eofReceived;

	private boolean eofPending;

	private boolean eofFired;

	private boolean errored;

	private boolean closing;

	private boolean freed;

	private boolean writeWaiting;

	private boolean notifyWritable;

	private boolean flushPending;

	private int callbackDepth;

	private int writeCallbackDepth;

	private volatile IOException error;

	private volatile boolean open = true;

	private volatile int outputBytes;

	private BufferedConnection(EventLoop loop, SocketChannel channel, BufferedHandler handler,
			BufferedConnectionSettings settings, SocketAddress remoteAddress) {
		this.loop = loop;
		this.channel = channel;
		this.handler = handler;
		this.settings = settings;
		this.resources = LoopResources.of(loop);
		BufferPool pool = this.resources.pool(settings.readBufferSize());
		this.input = new ConnectionBuffer(pool, this);
		this.output = new ConnectionBuffer(pool, this);
		this.remoteAddress = (remoteAddress != null) ? remoteAddress : remoteAddressOf(channel);
		this.readTimeout = new IdleTimeout(loop, settings.readTimeout(), () -> isWatching(SelectionKey.OP_READ),
				this::readTimedOut);
		this.writeTimeout = new IdleTimeout(loop, settings.writeTimeout(), () -> isWatching(SelectionKey.OP_WRITE),
				this::writeTimedOut);
		// Nothing fires after ERROR.
		this.idleTimeout = new IdleTimeout(loop, settings.idleTimeout(), () -> !this.freed && !this.errored,
				this::idleTimedOut);
		this.stallIsWriteTimeout = settings.writeTimeout() != null && settings.idleTimeout() != null
				&& settings.writeTimeout().compareTo(settings.idleTimeout()) <= 0;
	}

	/**
	 * Make the channel non-blocking and serve it on the loop with the handler: libevent's
	 * {@code bufferevent_socket_new} with {@code BEV_OPT_CLOSE_ON_FREE}, then
	 * {@code bufferevent_enable(EV_READ | EV_WRITE)}. May be called from any thread; the
	 * connection registers on the loop, calls {@link BufferedHandler#onOpen} and starts
	 * reading there.
	 * @param loop the loop that serves the connection
	 * @param channel a connected channel, closed when the connection is
	 * @param handler the handler
	 * @param settings buffer sizes, watermarks and timeouts
	 * @return the connection
	 * @throws UncheckedIOException if the channel cannot be made non-blocking (it is closed)
	 * @throws RejectedExecutionException if the loop is closed (the channel is closed)
	 */
	public static BufferedConnection open(EventLoop loop, SocketChannel channel, BufferedHandler handler,
			BufferedConnectionSettings settings) {
		return open(loop, channel, handler, settings, null);
	}

	/**
	 * Serve the channel as {@link #open(EventLoop, SocketChannel, BufferedHandler,
	 * BufferedConnectionSettings)} does, reporting the given address as the peer's: the
	 * client's address from a PROXY protocol header, for a connection that came through a
	 * proxy.
	 * @param loop the loop that serves the connection
	 * @param channel a connected channel, closed when the connection is
	 * @param handler the handler
	 * @param settings buffer sizes, watermarks and timeouts
	 * @param remoteAddress the address {@link #remoteAddress()} returns; {@code null} for
	 * the channel's own
	 * @return the connection
	 * @throws UncheckedIOException if the channel cannot be made non-blocking (it is closed)
	 * @throws RejectedExecutionException if the loop is closed (the channel is closed)
	 */
	public static BufferedConnection open(EventLoop loop, SocketChannel channel, BufferedHandler handler,
			BufferedConnectionSettings settings, SocketAddress remoteAddress) {
		Objects.requireNonNull(loop, "'loop' must not be null");
		Objects.requireNonNull(channel, "'channel' must not be null");
		Objects.requireNonNull(handler, "'handler' must not be null");
		Objects.requireNonNull(settings, "'settings' must not be null");
		try {
			channel.configureBlocking(false);
		}
		catch (IOException ex) {
			closeQuietly(channel);
			throw new UncheckedIOException("Could not make " + channel + " non-blocking", ex);
		}
		BufferedConnection connection = new BufferedConnection(loop, channel, handler, settings, remoteAddress);
		try {
			loop.execute(connection::start);
		}
		catch (RejectedExecutionException ex) {
			connection.freeOffLoop();
			throw ex;
		}
		return connection;
	}

	/**
	 * Return the input buffer, where the loop puts what it reads. Loop thread only.
	 * @return the input buffer
	 */
	public ConnectionBuffer input() {
		return this.input;
	}

	/**
	 * Return the output buffer, whose bytes the loop writes to the socket. Loop thread only.
	 * @return the output buffer
	 */
	public ConnectionBuffer output() {
		return this.output;
	}

	/**
	 * Queue a copy of the remaining bytes of the buffer for writing: libevent's
	 * {@code bufferevent_write}. The buffer's position advances; the caller may reuse it at
	 * once. Off the loop thread, the bytes are copied and handed to the loop. Bytes written
	 * after the connection was closed are dropped.
	 * @param source the bytes
	 */
	public void write(ByteBuffer source) {
		Objects.requireNonNull(source, "'source' must not be null");
		if (!this.loop.inEventLoop()) {
			ByteBuffer copy = ByteBuffer.allocate(source.remaining()).put(source).flip();
			runOnLoop(() -> write(copy));
			return;
		}
		if (this.freed || !source.hasRemaining()) {
			return;
		}
		if (canWriteDirectly()) {
			// Nothing queued: skip the copy and give the bytes straight to the socket.
			try {
				if (this.channel.write(source) > 0) {
					this.idleTimeout.progressed();
				}
			}
			catch (IOException ex) {
				fail(ex);
				return;
			}
			if (source.hasRemaining()) {
				this.writeWaiting = true;
				this.notifyWritable = true;
			}
		}
		this.output.add(source);
		if (this.callbackDepth == 0) {
			updateInterest();
		}
	}

	/**
	 * Queue a copy of the bytes for writing. Off the loop thread, the bytes are handed to
	 * the loop.
	 * @param source the bytes
	 */
	public void write(byte[] source) {
		Objects.requireNonNull(source, "'source' must not be null");
		if (this.loop.inEventLoop() && !canWriteDirectly()) {
			this.output.add(source);
		}
		else {
			write(ByteBuffer.wrap(source));
		}
	}

	/**
	 * Start reading from the socket again: libevent's {@code bufferevent_enable(EV_READ)}.
	 * Idempotent. Rearms the read timeout.
	 */
	public void enableRead() {
		onLoop(true, true);
	}

	/**
	 * Stop reading from the socket: libevent's {@code bufferevent_disable(EV_READ)}. Bytes
	 * wait in the kernel, which pushes back on the peer. Idempotent.
	 */
	public void disableRead() {
		onLoop(true, false);
	}

	/**
	 * Write queued output again: libevent's {@code bufferevent_enable(EV_WRITE)}. Idempotent.
	 */
	public void enableWrite() {
		onLoop(false, true);
	}

	/**
	 * Stop writing: output is queued until writing is enabled again. Idempotent.
	 */
	public void disableWrite() {
		onLoop(false, false);
	}

	/**
	 * Close the connection now: pending output is dropped, the channel is closed, the
	 * buffers go back to the pool and the {@link #onClose close hooks} run on the loop:
	 * libevent's {@code bufferevent_free}. Idempotent.
	 */
	@Override
	public void close() {
		this.open = false;
		if (this.loop.inEventLoop()) {
			free();
		}
		else {
			try {
				this.loop.execute(this::free);
			}
			catch (RejectedExecutionException ex) {
				freeOffLoop();
			}
		}
	}

	/**
	 * Stop reading, flush the queued output, then close. No callback but the close hooks
	 * runs afterwards; an error, or the write or idle timeout running out while flushing,
	 * closes at once. Idempotent.
	 */
	public void closeAfterFlush() {
		if (this.loop.inEventLoop()) {
			closeAfterFlushOnLoop();
		}
		else {
			runOnLoop(this::closeAfterFlushOnLoop);
		}
	}

	/**
	 * Add a hook that runs exactly once, on the loop thread, when the connection is freed
	 * (closed for whatever reason). A hook added after that runs at once.
	 * @param hook the hook
	 */
	public void onClose(Runnable hook) {
		Objects.requireNonNull(hook, "'hook' must not be null");
		if (this.closeHooks.add(hook)) {
			return;
		}
		if (this.loop.inEventLoop()) {
			runHook(hook);
		}
		else {
			try {
				this.loop.execute(() -> runHook(hook));
			}
			catch (RejectedExecutionException ex) {
				runHook(hook);
			}
		}
	}

	/**
	 * Return the peer's address, as it was when the connection opened, or the client's
	 * address it was opened with.
	 * @return the address, or {@code null} if the channel did not know it
	 */
	public SocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	/**
	 * Return the loop that serves this connection.
	 * @return the loop
	 */
	public EventLoop loop() {
		return this.loop;
	}

	/**
	 * Return the underlying channel. Use it for socket options; reading, writing or closing
	 * it directly bypasses the buffers.
	 * @return the channel
	 */
	public SocketChannel channel() {
		return this.channel;
	}

	/**
	 * Return the settings of this connection.
	 * @return the settings
	 */
	public BufferedConnectionSettings settings() {
		return this.settings;
	}

	/**
	 * Return whether the connection is open: {@code false} once {@link #close()} was called
	 * or the connection was freed.
	 * @return {@code true} while open
	 */
	public boolean isOpen() {
		return this.open;
	}

	/**
	 * Return how many bytes wait in the output buffer. Safe to read from any thread; the
	 * figure is the one the loop last published.
	 * @return the buffered output bytes
	 */
	public int outputBufferedBytes() {
		return this.outputBytes;
	}

	/**
	 * Return whether the output holds no more than the write high watermark, that is
	 * whether writing more is welcome. Safe to call from any thread.
	 * @return {@code false} above the write high watermark
	 */
	public boolean isWritable() {
		return this.outputBytes <= this.settings.writeHighWatermark();
	}

	/**
	 * Return what made the connection fire {@link ConnectionEvent#ERROR}.
	 * @return the failure, or {@code null}
	 */
	public IOException error() {
		return this.error;
	}

	/**
	 * Return how many times handlers of buffered connections on the loop have thrown.
	 * @param loop the loop
	 * @return the failure count
	 */
	public static long handlerFailures(EventLoop loop) {
		LoopResources resources = LoopResources.peek(loop);
		return (resources != null) ? resources.handlerFailures() : 0;
	}

	// Called by the buffers, on the loop thread.

	void bufferAdded(ConnectionBuffer buffer) {
		if (buffer != this.output) {
			return;
		}
		int buffered = this.output.readableBytes();
		this.outputBytes = buffered;
		if (buffered > this.settings.writeHighWatermark()) {
			this.notifyWritable = true;
		}
		if (this.writeWaiting || !this.writeEnabled || this.errored || this.freed) {
			return;
		}
		if (this.callbackDepth > 0 || this.key == null) {
			this.flushPending = true;
		}
		else {
			flush();
		}
	}

	void bufferConsumed(ConnectionBuffer buffer) {
		if (buffer == this.output) {
			this.outputBytes = this.output.readableBytes();
			if (this.output.isEmpty() && (this.writeWaiting || this.eofPending || this.closing)) {
				// The handler dropped queued output: settle what waited for it to drain.
				if (this.callbackDepth > 0) {
					this.flushPending = true;
				}
				else {
					flush();
				}
			}
		}
		else if (this.callbackDepth == 0 && (this.interestOps & SelectionKey.OP_READ) == 0) {
			updateInterest();
		}
	}

	private void start() {
		if (this.freed) {
			return;
		}
		if (!this.open || this.loop.isClosed()) {
			free();
			return;
		}
		try {
			this.key = this.loop.register(this.channel, 0, this.io);
		}
		catch (ClosedChannelException ex) {
			free();
			return;
		}
		this.idleTimeout.start();
		this.callbackDepth++;
		try {
			this.handler.onOpen(this);
		}
		catch (Throwable ex) {
			handlerFailed("onOpen", ex);
		}
		finally {
			this.callbackDepth--;
		}
		afterCallback();
	}

	/**
	 * Read what the socket holds and hand it to the handler.
	 * @return whether anything arrived: bytes, the end of the stream or a failure
	 */
	private boolean readable() {
		int total = 0;
		boolean eof = false;
		IOException failure = null;
		int readHighWatermark = this.settings.readHighWatermark();
		try {
			for (int reads = 0; reads < MAX_READS_PER_WAKEUP; reads++) {
				int count = this.input.readFrom(this.channel);
				if (count < 0) {
					eof = true;
					break;
				}
				total += count;
				if (count == 0 || !this.input.isLastSegmentFull()
						|| (readHighWatermark > 0 && this.input.readableBytes() >= readHighWatermark)) {
					break;
				}
			}
		}
		catch (IOException ex) {
			failure = ex;
		}
		if (total > 0) {
			this.readTimeout.progressed();
			this.idleTimeout.progressed();
			invokeRead();
			if (this.freed) {
				return true;
			}
		}
		if (failure != null) {
			fail(failure);
		}
		else if (eof) {
			this.eofReceived = true;
			updateInterest();
			if (this.output.isEmpty()) {
				fireEof();
			}
			else {
				this.eofPending = true;
			}
		}
		return total > 0 || eof || failure != null;
	}

	private void writable() {
		flush();
	}

	private boolean canWriteDirectly() {
		return this.output.isEmpty() && !this.writeWaiting && this.writeEnabled && !this.errored && !this.freed
				&& this.key != null && this.callbackDepth == 0;
	}

	/**
	 * Write what the socket takes, then settle what waited for it.
	 * @return whether any byte went out
	 */
	private boolean flush() {
		this.flushPending = false;
		if (this.freed || this.errored) {
			return false;
		}
		boolean progressed = false;
		if (this.writeEnabled && !this.output.isEmpty()) {
			try {
				if (this.output.writeTo(this.channel) > 0) {
					progressed = true;
					this.writeTimeout.progressed();
					this.idleTimeout.progressed();
				}
			}
			catch (IOException ex) {
				this.outputBytes = this.output.readableBytes();
				fail(ex);
				return false;
			}
			int buffered = this.output.readableBytes();
			this.outputBytes = buffered;
			if (buffered > 0) {
				this.writeWaiting = true;
				this.notifyWritable = true;
			}
			else {
				this.writeWaiting = false;
			}
			if (this.notifyWritable && buffered <= this.settings.writeLowWatermark() && !this.closing) {
				this.notifyWritable = false;
				if (this.writeCallbackDepth == 0) {
					invokeWrite();
				}
				else {
					// onWrite wrote again and the socket pushed back: no recursion.
					runOnLoop(this.writeCallbackTask);
				}
				if (this.freed) {
					return progressed;
				}
			}
		}
		if (this.output.isEmpty()) {
			this.writeWaiting = false;
			if (this.closing) {
				free();
				return progressed;
			}
			if (this.eofPending) {
				this.eofPending = false;
				fireEof();
				if (this.freed) {
					return progressed;
				}
			}
		}
		updateInterest();
		return progressed;
	}

	private void updateInterest() {
		SelectionKey key = this.key;
		if (key == null || this.freed) {
			return;
		}
		int ops = 0;
		int readHighWatermark = this.settings.readHighWatermark();
		if (this.readEnabled && !this.eofReceived && !this.errored && !this.closing
				&& (readHighWatermark == 0 || this.input.readableBytes() < readHighWatermark)) {
			ops |= SelectionKey.OP_READ;
		}
		if (this.writeWaiting && this.writeEnabled && !this.errored) {
			ops |= SelectionKey.OP_WRITE;
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
		if ((ops & ~old & SelectionKey.OP_READ) != 0) {
			this.readTimeout.start();
		}
		if ((ops & ~old & SelectionKey.OP_WRITE) != 0) {
			this.writeTimeout.start();
		}
	}

	private boolean isWatching(int op) {
		return !this.freed && (this.interestOps & op) != 0;
	}

	private void readTimedOut() {
		// A loop that ran late, say a long iteration on a busy machine, may not have read
		// what arrived meanwhile: whether a read gets bytes now tells.
		if (readable() || this.freed) {
			return;
		}
		this.readEnabled = false;
		updateInterest();
		invokeEvent(ConnectionEvent.READ_TIMEOUT);
	}

	private void writeTimedOut() {
		// The selector may not have reported the socket writable although the peer reads:
		// whether a write goes out now tells.
		if (!flush() && !this.freed && !this.errored) {
			writeStalled();
		}
	}

	private void idleTimedOut() {
		if (isWatching(SelectionKey.OP_READ) && (readable() || this.freed || this.errored)) {
			return;
		}
		boolean stalled = isWatching(SelectionKey.OP_WRITE);
		if (stalled && (flush() || this.freed || this.errored)) {
			return;
		}
		if (stalled && this.stallIsWriteTimeout) {
			// Its own timer may have started later, when the output got stuck: same cause.
			writeStalled();
		}
		else if (this.closing) {
			free();
		}
		else {
			invokeEvent(ConnectionEvent.IDLE_TIMEOUT);
		}
	}

	private void writeStalled() {
		if (this.closing) {
			free();
			return;
		}
		this.writeEnabled = false;
		updateInterest();
		invokeEvent(ConnectionEvent.WRITE_TIMEOUT);
	}

	private void fail(IOException ex) {
		if (this.errored || this.freed) {
			return;
		}
		this.errored = true;
		this.error = ex;
		this.eofPending = false;
		updateInterest();
		if (this.closing) {
			free();
			return;
		}
		logger.log(Level.DEBUG, () -> "Connection from " + this.remoteAddress + " failed: " + ex);
		invokeEvent(ConnectionEvent.ERROR);
	}

	private void fireEof() {
		if (!this.eofFired && !this.errored && !this.closing) {
			this.eofFired = true;
			invokeEvent(ConnectionEvent.EOF);
		}
	}

	private void invokeRead() {
		this.callbackDepth++;
		try {
			this.handler.onRead(this);
		}
		catch (Throwable ex) {
			handlerFailed("onRead", ex);
		}
		finally {
			this.callbackDepth--;
		}
		afterCallback();
	}

	private void invokeWrite() {
		if (this.freed) {
			return;
		}
		this.callbackDepth++;
		this.writeCallbackDepth++;
		try {
			this.handler.onWrite(this);
		}
		catch (Throwable ex) {
			handlerFailed("onWrite", ex);
		}
		finally {
			this.callbackDepth--;
			this.writeCallbackDepth--;
		}
		afterCallback();
	}

	private void invokeEvent(ConnectionEvent event) {
		this.callbackDepth++;
		try {
			this.handler.onEvent(this, event);
		}
		catch (Throwable ex) {
			handlerFailed("onEvent(" + event + ")", ex);
		}
		finally {
			this.callbackDepth--;
		}
		afterCallback();
	}

	private void afterCallback() {
		if (this.freed || this.callbackDepth > 0) {
			return;
		}
		if (this.flushPending) {
			flush();
		}
		else {
			updateInterest();
		}
	}

	private void handlerFailed(String callback, Throwable ex) {
		this.resources.recordHandlerFailure();
		if (!this.freed) {
			logger.log(Level.WARNING, "Handler " + this.handler + " failed in " + callback + " for the connection from "
					+ this.remoteAddress + "; closing the connection", ex);
		}
		free();
	}

	private void onLoop(boolean read, boolean enable) {
		if (this.loop.inEventLoop()) {
			setEnabled(read, enable);
		}
		else {
			runOnLoop(() -> setEnabled(read, enable));
		}
	}

	private void setEnabled(boolean read, boolean enable) {
		if (this.freed) {
			return;
		}
		if (read) {
			this.readEnabled = enable;
		}
		else {
			this.writeEnabled = enable;
			if (enable && !this.output.isEmpty()) {
				// Drain through writability, so that onWrite fires as for any pushed-back output.
				this.writeWaiting = true;
			}
		}
		if (this.callbackDepth == 0) {
			updateInterest();
		}
	}

	private void closeAfterFlushOnLoop() {
		if (this.freed || this.closing) {
			return;
		}
		this.closing = true;
		this.eofPending = false;
		if (this.output.isEmpty() || this.errored) {
			free();
			return;
		}
		this.writeEnabled = true;
		if (this.callbackDepth > 0) {
			this.flushPending |= !this.writeWaiting;
		}
		else if (!this.writeWaiting) {
			flush();
		}
		else {
			updateInterest();
		}
	}

	private void runOnLoop(Runnable task) {
		try {
			this.loop.execute(task);
		}
		catch (RejectedExecutionException ex) {
			// The loop is closed, and so is this connection.
		}
	}

	private synchronized boolean markFreed() {
		if (this.freed) {
			return false;
		}
		this.freed = true;
		return true;
	}

	/** Free the connection; on the loop thread. */
	private void free() {
		if (!markFreed()) {
			return;
		}
		this.open = false;
		this.readTimeout.cancel();
		this.writeTimeout.cancel();
		this.idleTimeout.cancel();
		if (this.key != null) {
			this.key.cancel();
		}
		closeQuietly(this.channel);
		this.input.free();
		this.output.free();
		this.outputBytes = 0;
		runCloseHooks();
	}

	/** Free the connection when its loop refuses tasks; the buffers are left to the collector. */
	private void freeOffLoop() {
		if (!markFreed()) {
			return;
		}
		this.open = false;
		closeQuietly(this.channel);
		runCloseHooks();
	}

	private void runCloseHooks() {
		for (Runnable hook : this.closeHooks.takeAll()) {
			runHook(hook);
		}
	}

	private void runHook(Runnable hook) {
		try {
			hook.run();
		}
		catch (Throwable ex) {
			logger.log(Level.WARNING, "Close hook " + hook + " of the connection from " + this.remoteAddress + " failed",
					ex);
		}
	}

	private static SocketAddress remoteAddressOf(SocketChannel channel) {
		try {
			return channel.getRemoteAddress();
		}
		catch (IOException ex) {
			return null;
		}
	}

	private static void closeQuietly(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Nothing more to do for a connection that is going away.
		}
	}

	@Override
	public String toString() {
		return "BufferedConnection[" + this.remoteAddress + " on " + this.loop.name() + "]";
	}

	/**
	 * Dispatches readiness to the connection; kept apart so that the connection does not
	 * expose {@link IoHandler} methods.
	 */
	private final class Io implements IoHandler {

		@Override
		public void handle(SelectionKey key) {
			if (BufferedConnection.this.freed) {
				return;
			}
			int ready = key.readyOps();
			if ((ready & SelectionKey.OP_WRITE) != 0) {
				writable();
				if (BufferedConnection.this.freed) {
					return;
				}
			}
			if ((ready & SelectionKey.OP_READ) != 0 && (BufferedConnection.this.interestOps & SelectionKey.OP_READ) != 0) {
				readable();
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

	}

}
