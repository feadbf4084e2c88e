package io.connlistener.buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;

import io.connlistener.AcceptedConnection;
import io.connlistener.loop.EventLoop;
import io.connlistener.tls.TlsChannel;
import io.connlistener.tls.TlsInfo;

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
 * <p>
 * TLS: opened {@linkplain #open(EventLoop, AcceptedConnection, BufferedHandler,
 * BufferedConnectionSettings) from a connection a TLS listener accepted}, the connection
 * moves its bytes through the connection's {@link TlsChannel}: the buffers, the watermarks
 * and the timeouts count plaintext, records already read are handed to the handler without
 * waiting for the socket, records the engine sends on its own (a key update) are written
 * even when the handler writes nothing, {@link #closeAfterFlush()} sends close_notify after
 * the output, and {@link #close()} sends it if the socket takes it at once.
 */
public final class BufferedConnection implements AutoCloseable {

	private final EventLoop loop;

	private final SocketChannel channel;

	private final TlsChannel tls;

	private final BufferedConnectionSettings settings;

	private final SocketAddress remoteAddress;

	private final BufferedSocket socket;

	private final ConnectionBuffer input;

	private final ConnectionBuffer output;

	private BufferedConnection(EventLoop loop, SocketChannel channel, TlsChannel tls, BufferedHandler handler,
			BufferedConnectionSettings settings, SocketAddress remoteAddress, TrafficCounter traffic) {
		this.loop = loop;
		this.channel = channel;
		this.tls = tls;
		this.settings = settings;
		this.remoteAddress = (remoteAddress != null) ? remoteAddress : remoteAddressOf(channel);
		this.socket = new BufferedSocket(this, loop, channel, tls, handler, settings, traffic);
		this.input = this.socket.reads().buffer();
		this.output = this.socket.writes().buffer();
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
		Objects.requireNonNull(channel, "'channel' must not be null");
		return open(loop, channel, null, handler, settings, remoteAddress, TrafficCounter.NONE);
	}

	private static BufferedConnection open(EventLoop loop, SocketChannel channel, TlsChannel tls,
			BufferedHandler handler, BufferedConnectionSettings settings, SocketAddress remoteAddress,
			TrafficCounter traffic) {
		Objects.requireNonNull(loop, "'loop' must not be null");
		Objects.requireNonNull(handler, "'handler' must not be null");
		Objects.requireNonNull(settings, "'settings' must not be null");
		Objects.requireNonNull(traffic, "'traffic' must not be null");
		try {
			channel.configureBlocking(false);
		}
		catch (IOException ex) {
			BufferedSocket.closeQuietly(channel);
			throw new UncheckedIOException("Could not make " + channel + " non-blocking", ex);
		}
		BufferedConnection connection = new BufferedConnection(loop, channel, tls, handler, settings, remoteAddress,
				traffic);
		try {
			loop.execute(connection.socket::start);
		}
		catch (RejectedExecutionException ex) {
			connection.socket.freeOffLoop();
			throw ex;
		}
		return connection;
	}

	/**
	 * Serve an accepted connection as {@link #open(EventLoop, SocketChannel, BufferedHandler,
	 * BufferedConnectionSettings, SocketAddress)} does, with its remote address; on a TLS
	 * listener over its {@link AcceptedConnection#tls() TLS channel}, so that the handler
	 * reads and writes plaintext and the watermarks count plaintext bytes (the timeouts
	 * count the records' bytes that move too).
	 * @param loop the loop that serves the connection
	 * @param accepted the connection, closed when the buffered connection is
	 * @param handler the handler
	 * @param settings buffer sizes, watermarks and timeouts
	 * @return the connection
	 * @throws UncheckedIOException if the channel cannot be made non-blocking (it is closed)
	 * @throws RejectedExecutionException if the loop is closed (the channel is closed)
	 */
	public static BufferedConnection open(EventLoop loop, AcceptedConnection accepted, BufferedHandler handler,
			BufferedConnectionSettings settings) {
		return open(loop, accepted, handler, settings, TrafficCounter.NONE);
	}

	/**
	 * Serve an accepted connection as {@link #open(EventLoop, AcceptedConnection,
	 * BufferedHandler, BufferedConnectionSettings)} does, telling a counter of the bytes its
	 * socket moves.
	 * @param loop the loop that serves the connection
	 * @param accepted the connection, closed when the buffered connection is
	 * @param handler the handler
	 * @param settings buffer sizes, watermarks and timeouts
	 * @param traffic told of every read and write that moved bytes, on the loop
	 * @return the connection
	 * @throws UncheckedIOException if the channel cannot be made non-blocking (it is closed)
	 * @throws RejectedExecutionException if the loop is closed (the channel is closed)
	 */
	public static BufferedConnection open(EventLoop loop, AcceptedConnection accepted, BufferedHandler handler,
			BufferedConnectionSettings settings, TrafficCounter traffic) {
		Objects.requireNonNull(accepted, "'accepted' must not be null");
		return open(loop, accepted.channel(), accepted.tls(), handler, settings, accepted.remoteAddress(), traffic);
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
		if (this.loop.inEventLoop()) {
			this.socket.writes().write(source);
		}
		else {
			ByteBuffer copy = ByteBuffer.allocate(source.remaining()).put(source).flip();
			runOnLoop(() -> this.socket.writes().write(copy));
		}
	}

	/**
	 * Queue a copy of the bytes for writing. Off the loop thread, the bytes are handed to
	 * the loop.
	 * @param source the bytes
	 */
	public void write(byte[] source) {
		Objects.requireNonNull(source, "'source' must not be null");
		if (this.loop.inEventLoop() && !this.socket.writes().canWriteDirectly()) {
			this.output.add(source);
		}
		else {
			write(ByteBuffer.wrap(source));
		}
	}

	/**
	 * Call {@link BufferedHandler#onRead} with what the input holds, as if bytes had just
	 * arrived: libevent's {@code bufferevent_trigger(EV_READ)}. For a handler that left bytes
	 * in the input for later, say while work it handed off was running. The call goes through
	 * the connection as every callback does: a handler that throws is counted and closed. Off
	 * the loop thread, it is handed to the loop. Nothing happens once the connection no
	 * longer tells its handler anything (closing, failed or closed).
	 */
	public void triggerRead() {
		if (this.loop.inEventLoop()) {
			this.socket.triggerRead();
		}
		else {
			runOnLoop(this.socket::triggerRead);
		}
	}

	/**
	 * Start reading from the socket again: libevent's {@code bufferevent_enable(EV_READ)}.
	 * Idempotent. Rearms the read timeout.
	 */
	public void enableRead() {
		setEnabled(true, true);
	}

	/**
	 * Stop reading from the socket: libevent's {@code bufferevent_disable(EV_READ)}. Bytes
	 * wait in the kernel, which pushes back on the peer. Idempotent.
	 */
	public void disableRead() {
		setEnabled(true, false);
	}

	/**
	 * Write queued output again: libevent's {@code bufferevent_enable(EV_WRITE)}. Idempotent.
	 */
	public void enableWrite() {
		setEnabled(false, true);
	}

	/**
	 * Stop writing: output is queued until writing is enabled again. Idempotent.
	 */
	public void disableWrite() {
		setEnabled(false, false);
	}

	/**
	 * Close the connection now: pending output is dropped, the channel is closed, the
	 * buffers go back to the pool and the {@link #onClose close hooks} run on the loop:
	 * libevent's {@code bufferevent_free}. Idempotent.
	 */
	@Override
	public void close() {
		this.socket.close();
	}

	/**
	 * Stop reading, flush the queued output, then close. No callback but the close hooks
	 * runs afterwards; an error, or the write or idle timeout running out while flushing,
	 * closes at once. Idempotent.
	 */
	public void closeAfterFlush() {
		if (this.loop.inEventLoop()) {
			this.socket.closeAfterFlush();
		}
		else {
			runOnLoop(this.socket::closeAfterFlush);
		}
	}

	/**
	 * Add a hook that runs exactly once, on the loop thread, when the connection is freed
	 * (closed for whatever reason). A hook added after that runs at once.
	 * @param hook the hook
	 */
	public void onClose(Runnable hook) {
		Objects.requireNonNull(hook, "'hook' must not be null");
		this.socket.closeHooks().add(hook, this.loop);
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
	 * Return the underlying channel: the socket, under TLS too. Use it for socket options;
	 * reading, writing or closing it directly bypasses the buffers.
	 * @return the channel
	 */
	public SocketChannel channel() {
		return this.channel;
	}

	/**
	 * Return what the connection's TLS session is: its protocol, cipher suite, the peer's
	 * certificates, the SNI host name and the ALPN protocol.
	 * @return the TLS information, or {@code null} for a connection without TLS
	 */
	public TlsInfo tls() {
		return (this.tls != null) ? this.tls.info() : null;
	}

	/**
	 * Return the settings of this connection.
	 * @return the settings
	 */
	public BufferedConnectionSettings settings() {
		return this.settings;
	}

	/**
	 * Return how many bytes the socket received since the connection opened: over TLS the
	 * records, the handshake's included. Safe to call from any thread.
	 * @return the count
	 */
	public long bytesReceived() {
		return this.socket.bytesReceived();
	}

	/**
	 * Return how many bytes the socket sent since the connection opened: over TLS the
	 * records, the handshake's included. Safe to call from any thread.
	 * @return the count
	 */
	public long bytesSent() {
		return this.socket.bytesSent();
	}

	/**
	 * Return whether the connection is open: {@code false} once {@link #close()} was called
	 * or the connection was freed.
	 * @return {@code true} while open
	 */
	public boolean isOpen() {
		return this.socket.isOpen();
	}

	/**
	 * Return how many bytes wait in the output buffer. Safe to read from any thread; the
	 * figure is the one the loop last published.
	 * @return the buffered output bytes
	 */
	public int outputBufferedBytes() {
		return this.socket.writes().bufferedBytes();
	}

	/**
	 * Return whether the output holds no more than the write high watermark, that is
	 * whether writing more is welcome. Safe to call from any thread.
	 * @return {@code false} above the write high watermark
	 */
	public boolean isWritable() {
		return outputBufferedBytes() <= this.settings.writeHighWatermark();
	}

	/**
	 * Return what made the connection fire {@link ConnectionEvent#ERROR}.
	 * @return the failure, or {@code null}
	 */
	public IOException error() {
		return this.socket.error();
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

	/**
	 * Return where the connection is in its life. Loop thread only.
	 * @return the state
	 */
	ConnectionState state() {
		return this.socket.state();
	}

	private void setEnabled(boolean read, boolean enable) {
		if (!this.loop.inEventLoop()) {
			runOnLoop(() -> setEnabled(read, enable));
		}
		else if (read) {
			this.socket.enableRead(enable);
		}
		else {
			this.socket.enableWrite(enable);
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

	private static SocketAddress remoteAddressOf(SocketChannel channel) {
		try {
			return channel.getRemoteAddress();
		}
		catch (IOException ex) {
			return null;
		}
	}

	@Override
	public String toString() {
		return "BufferedConnection[" + this.remoteAddress + " on " + this.loop.name() + "]";
	}

}
