package io.connlistener.boot.listener.serving;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;
import java.time.Duration;
import java.util.concurrent.RejectedExecutionException;

import io.connlistener.ConnectionSetup;
import io.connlistener.boot.handler.MessageHandler;
import io.connlistener.boot.listener.ListenerFraming;
import io.connlistener.boot.listener.MessageObserver;
import io.connlistener.boot.listener.tracking.MessageCounts;
import io.connlistener.boot.listener.tracking.TrackedConnection;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.BufferedConnections;
import io.connlistener.buffer.BufferedConnections.LoopChoice;
import io.connlistener.buffer.TrafficCounter;
import io.connlistener.framing.FramedHandler;
import io.connlistener.framing.FramingSettings;
import io.connlistener.loop.EventLoopGroup;

/**
 * Serves each connection as a {@link BufferedConnection} on a loop of the I/O group, cut
 * into frames by core's {@link FramedHandler}, and hands each frame, decoded, to a
 * {@link MessageHandler} on a handler thread (virtual, or from a pool bounded by
 * {@code max-connections}), so that the handler may block.
 * <p>
 * One message at a time per connection, in order: the framing is suspended while a message
 * is with the handler, and resumed on the loop once its reply is written, if the output is
 * at or below the write high watermark, or else once it drains to the low watermark. So
 * pipelined frames wait in the input (and the kernel) instead of running ahead, and
 * replies never pile up. {@link MessageSession} is the state of one connection.
 */
final class MessageHandlerAdapter implements HandlerAdapter {

	/** How long a send waits for the output to drain on a listener without write timeout. */
	static final Duration SEND_WAIT_WITHOUT_WRITE_TIMEOUT = Duration.ofSeconds(30);

	private final String beanName;

	private final MessageHandler<Object> handler;

	private final MessageCodec codec;

	private final FramingSettings framing;

	private final Charset charset;

	private final BufferedConnections connections;

	/** The handler threads; {@code null} for a {@code @NonBlocking} handler, run on the loop. */
	private final HandlerThreads threads;

	private final MessageCounts counts;

	private final Duration sendWait;

	private final MessageObserver observer;

	MessageHandlerAdapter(String beanName, MessageHandler<Object> handler, MessageCodec codec, ListenerFraming framing,
			EventLoopGroup group, BufferedConnectionSettings settings, HandlerThreads threads, MessageCounts counts,
			MessageObserver observer, TrafficCounter traffic) {
		this.beanName = beanName;
		this.handler = handler;
		this.codec = codec;
		this.framing = framing.settings();
		this.charset = framing.charset();
		this.threads = threads;
		this.counts = counts;
		this.observer = observer;
		this.sendWait = (settings.writeTimeout() != null) ? settings.writeTimeout() : SEND_WAIT_WITHOUT_WRITE_TIMEOUT;
		// Every connection gets a handler of its own through open(); this one is never used.
		this.connections = new BufferedConnections(group, () -> (connection) -> connection.close(), settings,
				LoopChoice.ROUND_ROBIN, traffic);
	}

	@Override
	public void serve(TrackedConnection connection) {
		MessageSession session = new MessageSession(this, connection);
		connection.servedBy(session);
		FramedHandler framed = new FramedHandler(this.framing, session);
		// Before the open: on another loop, the connection may open before open() returns.
		session.framedBy(framed);
		// BufferedConnections reports the close to the core listener; the tracked connection only counts it.
		ConnectionSetup setup = connection.accepted().setup();
		BufferedConnection buffered = this.connections.open(connection.listener(), connection.accepted(),
				(setup != null) ? new SetupEndingHandler(framed, setup) : framed);
		session.opening(buffered);
		connection.closeThrough(buffered::close);
		buffered.onClose(() -> {
			connection.releasedAndReported();
			session.closed();
		});
	}

	MessageHandler<Object> handler() {
		return this.handler;
	}

	Object decode(ByteBuffer frame) {
		return this.codec.decode(frame, this.charset);
	}

	ByteBuffer encode(Object message) {
		return MessageCodec.encode(message, this.charset);
	}

	/**
	 * Return what each call of the handler runs through, or {@code null}.
	 */
	MessageObserver observer() {
		return this.observer;
	}

	MessageCounts counts() {
		return this.counts;
	}

	Duration sendWait() {
		return this.sendWait;
	}

	/**
	 * Run a task of a connection on a handler thread, or, for a {@code @NonBlocking}
	 * handler, at once on the calling loop.
	 * @throws RejectedExecutionException if no thread is free or the threads are closed
	 */
	void execute(Runnable task) {
		if (this.threads == null) {
			task.run();
			return;
		}
		this.threads.execute(task);
	}

	@Override
	public void close() {
		if (this.threads != null) {
			this.threads.close();
		}
	}

	@Override
	public boolean servesMessages() {
		return true;
	}

	@Override
	public String describe() {
		return "message handler '" + this.beanName + "'";
	}

}
