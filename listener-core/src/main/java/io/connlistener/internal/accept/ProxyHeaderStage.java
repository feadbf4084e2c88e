package io.connlistener.internal.accept;

import java.io.EOFException;
import java.io.IOException;
import java.lang.System.Logger.Level;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.util.function.Supplier;

import io.connlistener.ConnListener;
import io.connlistener.RejectionReason;
import io.connlistener.internal.FailsafeLogger;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.IoHandler;
import io.connlistener.loop.ScheduledTask;
import io.connlistener.proxy.ProxyHeader;
import io.connlistener.proxy.ProxyHeaderParser;
import io.connlistener.proxy.ProxyProtocolException;
import io.connlistener.proxy.ProxyProtocolSettings;

/**
 * The stage that reads each connection's PROXY protocol header, for a listener that
 * requires one: only from trusted proxies, without blocking as bytes arrive, never a byte
 * past the header, and given up after the timeout. Afterwards the connection's client is
 * the header's source.
 */
public final class ProxyHeaderStage implements AcceptStage {

	private static final FailsafeLogger logger = FailsafeLogger.of(ConnListener.class);

	/** Most bytes read from a connection at once while reading its header. */
	private static final int READ_CHUNK = 512;

	static {
		EventLoop.preload(HeaderRead.class, ProxyHeaderParser.class, ProxyHeader.class, ProxyProtocolException.class);
	}

	private final ProxyProtocolSettings settings;

	private final Supplier<String> listenerDescription;

	/** One per listener: reads happen on its loop, and the parser takes every byte read. */
	private ByteBuffer readBuffer;

	/**
	 * Create the stage.
	 * @param settings who may send a header and how long it may take
	 * @param listenerDescription describes the listener for log messages
	 */
	public ProxyHeaderStage(ProxyProtocolSettings settings, Supplier<String> listenerDescription) {
		this.settings = settings;
		this.listenerDescription = listenerDescription;
	}

	@Override
	public void process(PendingConnection connection) {
		// A Unix domain peer has no address: the socket file's permissions decide who connects.
		if (connection.peerAddress() instanceof InetSocketAddress inet
				&& !this.settings.trusts(inet.getAddress())) {
			connection.reject(RejectionReason.PROXY_UNTRUSTED);
			return;
		}
		if (!connection.nonBlocking()) {
			return;
		}
		new HeaderRead(connection).start();
	}

	private ByteBuffer readBuffer() {
		if (this.readBuffer == null) {
			this.readBuffer = ByteBuffer.allocate(READ_CHUNK);
		}
		return this.readBuffer;
	}

	/**
	 * The read of one connection's header.
	 */
	private final class HeaderRead implements IoHandler, PendingConnection.Parked {

		private final PendingConnection connection;

		private final ProxyHeaderParser parser = new ProxyHeaderParser(ProxyProtocolSettings.MAX_HEADER_LENGTH);

		private SelectionKey key;

		private ScheduledTask timeout;

		HeaderRead(PendingConnection connection) {
			this.connection = connection;
		}

		/**
		 * Read the header if it came with the connection, as it usually does; otherwise wait.
		 */
		void start() {
			ProxyHeader header;
			try {
				header = read();
			}
			catch (IOException ex) {
				failed(ex);
				return;
			}
			if (header != null) {
				this.connection.proxied(header);
				this.connection.proceed();
				return;
			}
			EventLoop loop = this.connection.loop();
			try {
				this.key = loop.register(this.connection.channel(), SelectionKey.OP_READ, this);
			}
			catch (ClosedChannelException ex) {
				failed(ex);
				return;
			}
			this.timeout = loop.schedule(ProxyHeaderStage.this.settings.timeout(), this::timedOut);
			this.connection.park(this);
		}

		@Override
		public void handle(SelectionKey key) {
			ProxyHeader header;
			try {
				header = read();
			}
			catch (IOException ex) {
				failed(ex);
				return;
			}
			if (header != null) {
				this.timeout.cancel();
				this.connection.proxied(header);
				// Deregistered before the hand-over, so that the channel may be registered again
				// or made blocking: by the next selection, after which the loop runs what is handed
				// to it now (during a dispatch too).
				key.cancel();
				this.connection.loop().executeAfterSelect(this.connection::proceed);
			}
		}

		/**
		 * Read what has arrived, at most the bytes the header still needs; return the header
		 * once whole, or {@code null} to wait for more.
		 */
		private ProxyHeader read() throws IOException {
			ByteBuffer buffer = readBuffer();
			// Bounded: each pass takes at least one byte of a header of bounded length.
			while (true) {
				buffer.clear().limit(Math.min(this.parser.bytesNeeded(), buffer.capacity()));
				int read = this.connection.channel().read(buffer);
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

		private void failed(IOException ex) {
			abandon();
			RejectionReason reason = (ex instanceof ProxyProtocolException) ? RejectionReason.PROXY_MALFORMED
					: RejectionReason.PROXY_INCOMPLETE;
			logger.log(Level.DEBUG, () -> "Listener on " + ProxyHeaderStage.this.listenerDescription.get()
					+ " closed the connection from " + this.connection.peerAddress() + ": " + ex.getMessage());
			this.connection.reject(reason);
		}

		private void timedOut() {
			abandon();
			this.connection.reject(RejectionReason.PROXY_TIMEOUT);
		}

		@Override
		public void abandon() {
			if (this.timeout != null) {
				this.timeout.cancel();
			}
			if (this.key != null) {
				this.key.cancel();
			}
		}

		@Override
		public void failed(SelectionKey key, Throwable failure) {
			abandon();
			this.connection.reject(RejectionReason.PROXY_MALFORMED);
		}

		@Override
		public void loopClosed(SelectionKey key) {
			this.connection.abandon();
		}

		@Override
		public String toString() {
			return "PROXY header read of the " + this.connection;
		}

	}

}
