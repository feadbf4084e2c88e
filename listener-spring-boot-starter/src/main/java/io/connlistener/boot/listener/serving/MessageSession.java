package io.connlistener.boot.listener.serving;

import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.Condition;
import java.util.concurrent.locks.ReentrantLock;

import io.connlistener.boot.handler.MessageContext;
import io.connlistener.boot.listener.MessageObserver;
import io.connlistener.boot.listener.tracking.CloseReason;
import io.connlistener.boot.listener.tracking.TrackedConnection;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.ConnectionEvent;
import io.connlistener.framing.FrameEncoder;
import io.connlistener.framing.FrameHandler;
import io.connlistener.framing.FramedHandler;
import io.connlistener.framing.FramingFailure;
import io.connlistener.tls.TlsChannel;
import io.connlistener.tls.TlsInfo;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * One connection of a {@link MessageHandlerAdapter}: the frames it hands to the handler,
 * one at a time, and the {@link MessageContext} the handler sees.
 * <p>
 * Threading: the fields without {@code volatile} are the loop's. The loop decides when a
 * task runs on a handler thread ({@code onOpen}, each message, {@code onClose}), and at
 * most one runs at a time: the next is handed over only once the loop has learned that the
 * previous one ended. Sends from other threads are counted in a {@link PendingOutput} until
 * the loop queues them, so that a thread sending in a loop sees them as output. As a
 * {@link io.connlistener.boot.listener.tracking.ServedConnection ServedConnection} it takes the connection registry's sends, which never wait.
 */
final class MessageSession extends BufferedServedConnection implements FrameHandler, MessageContext {

	private static final Log logger = LogFactory.getLog(MessageSession.class);

	private final MessageHandlerAdapter adapter;

	private final TrackedConnection tracked;

	private final TlsInfo tls;

	private final Map<String, Object> attributes = new ConcurrentHashMap<>();

	private final ReentrantLock sendLock = new ReentrantLock();

	private final Condition writable = this.sendLock.newCondition();

	// Set before the connection opens, read on its loop: published by the hand-over to the loop.
	private FramedHandler framed;

	private FrameEncoder encoder;

	/** A task of this connection is on a handler thread. */
	private boolean busy;

	/** The reply is written, but reading waits for the output to drain. */
	private boolean waitingForWrite;

	private boolean closed;

	/** The handler closed the connection while handling a message: close after its reply. */
	private boolean closeAfterReply;

	MessageSession(MessageHandlerAdapter adapter, TrackedConnection tracked) {
		this.adapter = adapter;
		this.tracked = tracked;
		TlsChannel channel = tracked.accepted().tls();
		this.tls = (channel != null) ? channel.info() : null;
	}

	void framedBy(FramedHandler framed) {
		this.framed = framed;
		this.encoder = framed.encoder();
	}

	void opening(BufferedConnection connection) {
		this.connection = connection;
	}

	// On the loop

	@Override
	public void onOpen(BufferedConnection connection) {
		// Set here too: the loop may open the connection before serve() has returned.
		this.connection = connection;
		hand(connection, this::handleOpen);
	}

	@Override
	public void onFrame(BufferedConnection connection, ByteBuffer frame) {
		Object message = this.adapter.decode(frame);
		this.adapter.counts().receivedOne();
		hand(connection, () -> handle(message));
	}

	/**
	 * Suspend the framing and run a task of this connection on a handler thread.
	 */
	private void hand(BufferedConnection connection, Runnable task) {
		this.framed.suspend(connection);
		this.busy = true;
		try {
			this.adapter.execute(task);
		}
		catch (RejectedExecutionException ex) {
			this.busy = false;
			this.tracked.closing(CloseReason.NO_HANDLER_THREAD);
			connection.close();
			if (logger.isDebugEnabled()) {
				logger.debug("Closed the " + this.tracked + ": no handler thread is free");
			}
		}
	}

	@Override
	public void onWrite(BufferedConnection connection) {
		signalIfWritable(connection);
		if (this.waitingForWrite && isWritable(connection)) {
			this.waitingForWrite = false;
			readOn(connection);
		}
	}

	@Override
	public void onEvent(BufferedConnection connection, ConnectionEvent event) {
		switch (event) {
			// Told only once the frames before it were answered: the framing holds it back while suspended.
			case EOF -> connection.closeAfterFlush();
			case IDLE_TIMEOUT -> {
				this.tracked.closing(CloseReason.IDLE_TIMEOUT);
				// A peer that went silent gets what was written; one that stopped reading does not.
				if (connection.outputBufferedBytes() > 0) {
					connection.close();
				}
				else {
					connection.closeAfterFlush();
				}
			}
			case WRITE_TIMEOUT -> {
				this.tracked.closing(CloseReason.WRITE_TIMEOUT);
				connection.close();
			}
			default -> connection.close();
		}
	}

	@Override
	public void onFramingFailure(BufferedConnection connection, FramingFailure failure) {
		this.tracked.closing(switch (failure) {
			case FRAME_TOO_LARGE -> CloseReason.FRAME_TOO_LARGE;
			case FRAME_TIMEOUT -> CloseReason.FRAME_TIMEOUT;
			case MALFORMED_FRAME -> CloseReason.MALFORMED_FRAME;
		});
		if (logger.isDebugEnabled()) {
			logger.debug("Closing the " + this.tracked + ": " + failure.reason());
		}
	}

	/**
	 * The task on the handler thread ended: write its reply, and go on reading if the
	 * output has room.
	 */
	private void ended(ByteBuffer reply, boolean failed) {
		BufferedConnection connection = this.connection;
		this.busy = false;
		if (this.closed) {
			runOnClose();
			return;
		}
		if (failed) {
			connection.close();
			return;
		}
		if (reply != null && !write(connection, reply)) {
			return;
		}
		if (this.closeAfterReply) {
			connection.closeAfterFlush();
			return;
		}
		if (isWritable(connection)) {
			readOn(connection);
		}
		else {
			this.waitingForWrite = true;
		}
	}

	private void readOn(BufferedConnection connection) {
		this.framed.resume(connection);
	}

	private boolean write(BufferedConnection connection, ByteBuffer payload) {
		try {
			this.encoder.encode(payload, connection.output());
		}
		catch (RuntimeException ex) {
			this.tracked.closing(CloseReason.HANDLER_FAILED);
			logger.warn("Message handler of listener '" + this.tracked.listenerName() + "' gave a message its "
					+ "framing cannot encode; closed the " + this.tracked, ex);
			connection.close();
			return false;
		}
		this.adapter.counts().sentOne();
		return true;
	}

	void closed() {
		this.closed = true;
		signalAll();
		if (!this.busy) {
			runOnClose();
		}
	}

	private void runOnClose() {
		this.busy = true;
		try {
			this.adapter.execute(this::handleClose);
		}
		catch (RejectedExecutionException ex) {
			// The listener is stopping and its threads are gone: nobody is left to tell.
		}
	}

	private boolean isWritable(BufferedConnection connection) {
		return this.output.isWritable(connection);
	}

	private void signalIfWritable(BufferedConnection connection) {
		if (isWritable(connection)) {
			signalAll();
		}
	}

	private void signalAll() {
		this.sendLock.lock();
		try {
			this.writable.signalAll();
		}
		finally {
			this.sendLock.unlock();
		}
	}

	// On a handler thread

	private void handleOpen() {
		try {
			this.adapter.handler().onOpen(this);
		}
		catch (RuntimeException | Error ex) {
			failed(ex);
			return;
		}
		onLoop(() -> ended(null, false));
	}

	private void handle(Object message) {
		long start = System.nanoTime();
		Object reply;
		MessageObserver observer = this.adapter.observer();
		try {
			reply = (observer != null) ? observer.observe(this, () -> this.adapter.handler().onMessage(message, this))
					: this.adapter.handler().onMessage(message, this);
		}
		catch (RuntimeException | Error ex) {
			failed(ex);
			return;
		}
		finally {
			this.adapter.counts().handled(System.nanoTime() - start);
		}
		ByteBuffer encoded;
		try {
			encoded = (reply != null) ? this.adapter.encode(reply) : null;
		}
		catch (IllegalArgumentException ex) {
			failed(ex);
			return;
		}
		onLoop(() -> ended(encoded, false));
	}

	private void failed(Throwable ex) {
		CloseReason reason = this.tracked.reason();
		if (reason == null || !reason.isListenersDoing()) {
			this.tracked.closing(CloseReason.HANDLER_FAILED);
			logger.warn("Message handler of listener '" + this.tracked.listenerName() + "' failed; closed the "
					+ this.tracked, ex);
		}
		onLoop(() -> ended(null, true));
	}

	private void handleClose() {
		try {
			this.adapter.handler().onClose(this);
		}
		catch (RuntimeException ex) {
			logger.warn("Message handler of listener '" + this.tracked.listenerName() + "' failed in onClose for the "
					+ this.tracked, ex);
		}
	}

	private void onLoop(Runnable task) {
		if (this.connection.loop().inEventLoop()) {
			// A @NonBlocking handler ran on the loop: go on at once.
			task.run();
			return;
		}
		try {
			this.connection.loop().execute(task);
		}
		catch (RejectedExecutionException ex) {
			// The loop is closed, and so is the connection; its close hook ran or never will.
		}
	}

	// MessageContext, from any thread

	@Override
	public String listenerName() {
		return this.tracked.listenerName();
	}

	@Override
	public SocketAddress remoteAddress() {
		return this.tracked.remoteAddress();
	}

	@Override
	public long connectionId() {
		return this.tracked.id();
	}

	@Override
	public TlsInfo tls() {
		return this.tls;
	}

	@Override
	public Map<String, Object> attributes() {
		return this.attributes;
	}

	@Override
	public boolean send(Object message) {
		ByteBuffer payload = this.adapter.encode(message);
		BufferedConnection connection = this.connection;
		if (connection == null || !connection.isOpen()) {
			return false;
		}
		boolean onLoop = connection.loop().inEventLoop();
		if (!isWritable(connection) && (onLoop || !awaitWritable(connection))) {
			return false;
		}
		return queue(connection, payload);
	}

	@Override
	boolean queue(BufferedConnection connection, ByteBuffer payload) {
		if (connection.loop().inEventLoop()) {
			return write(connection, payload);
		}
		return this.output.handToLoop(connection, payload.remaining(), () -> write(connection, payload),
				() -> signalIfWritable(connection));
	}

	// ServedConnection, from any thread

	@Override
	public String style() {
		return "message";
	}

	/**
	 * Wait until the output has room, the connection closes, or the send wait passes, which
	 * closes the connection as a write timeout.
	 */
	private boolean awaitWritable(BufferedConnection connection) {
		long deadline = System.nanoTime() + this.adapter.sendWait().toNanos();
		this.sendLock.lock();
		try {
			while (connection.isOpen() && !isWritable(connection)) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					this.tracked.closing(CloseReason.WRITE_TIMEOUT);
					connection.close();
					return false;
				}
				this.writable.await(remaining, TimeUnit.NANOSECONDS);
			}
			return connection.isOpen();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
		finally {
			this.sendLock.unlock();
		}
	}

	@Override
	public void close() {
		BufferedConnection connection = this.connection;
		if (connection == null) {
			return;
		}
		Runnable close = () -> {
			// From the handler, while it handles a message: its reply still goes out.
			if (this.busy) {
				this.closeAfterReply = true;
			}
			else {
				connection.closeAfterFlush();
			}
		};
		if (connection.loop().inEventLoop()) {
			close.run();
		}
		else {
			onLoop(close);
		}
	}

	@Override
	public boolean isOpen() {
		BufferedConnection connection = this.connection;
		return connection != null && connection.isOpen();
	}

	@Override
	public String toString() {
		return this.tracked.toString();
	}

}
