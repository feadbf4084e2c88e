package io.connlistener.benchmarks.peers;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;

import io.connlistener.AcceptCallback;
import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.ConnListenerBuilder;
import io.connlistener.ListenerOption;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.BufferedConnections;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;
import io.connlistener.tls.TlsSettings;

/**
 * The seed's echo server on listener-core: a {@link ConnListener} and a
 * {@link BufferedConnections} that share ONE {@link EventLoop}, as the Netty peer does, and a
 * handler that moves the input to the output (with {@value PeerSupport#IO_THREADS} set, a group
 * of that many loops, the first of which accepts). Accepted sockets get {@code TCP_NODELAY},
 * which Netty sets by default, so that the two differ only in their loops and buffers.
 */
public final class ConnListenerEchoPeer {

	private ConnListenerEchoPeer() {
	}

	public static void main(String[] args) throws IOException {
		EventLoopGroup group = new EventLoopGroup(PeerSupport.ioThreads(), "connlistener-echo");
		serve(group, BufferedConnections.shared(group, new EchoHandler(), BufferedConnectionSettings.DEFAULTS), null);
	}

	/**
	 * Accept on the group's first loop with {@code TCP_NODELAY}, hand each connection to the
	 * acceptor, tell the harness the port, and exit once told to stop: what every
	 * listener-core peer does around its handler.
	 * @param group the loops, the first of which accepts
	 * @param acceptor the buffered connections that serve
	 * @param tls the listener's TLS, or {@code null} for plain TCP
	 * @throws IOException if the listener cannot bind
	 */
	static void serve(EventLoopGroup group, BufferedConnections acceptor, TlsSettings tls) throws IOException {
		ConnListenerBuilder builder = ConnListener.builder(group.loops().get(0))
			.callback(new NoDelayCallback(acceptor))
			.options(ListenerOption.CLOSE_ON_FREE, ListenerOption.REUSEABLE)
			.backlog(PeerSupport.BACKLOG);
		if (tls != null) {
			builder.tls(tls);
		}
		ConnListener listener = builder.bind(PeerSupport.LOOPBACK);
		PeerSupport.ready(listener.localAddress());
		PeerSupport.awaitStop();
		listener.close();
		group.close();
		System.exit(0);
	}

	/** The seed's {@code echo_read_cb} with backpressure, shared by every connection. */
	static final class EchoHandler implements BufferedHandler {

		@Override
		public void onRead(BufferedConnection connection) {
			connection.input().moveTo(connection.output());
			if (!connection.isWritable()) {
				connection.disableRead();
			}
		}

		@Override
		public void onWrite(BufferedConnection connection) {
			connection.enableRead();
		}

	}

	/**
	 * Sets {@code TCP_NODELAY}, then hands the connection (with its TLS channel, on a TLS
	 * listener) to the buffered connections.
	 */
	private static final class NoDelayCallback implements AcceptCallback {

		private final BufferedConnections acceptor;

		NoDelayCallback(BufferedConnections acceptor) {
			this.acceptor = acceptor;
		}

		@Override
		public void onAccept(ConnListener listener, AcceptedConnection connection) {
			noDelay(connection.channel());
			this.acceptor.onAccept(listener, connection);
		}

		@Override
		public void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
			noDelay(channel);
			this.acceptor.onAccept(listener, channel, remoteAddress);
		}

		private static void noDelay(SocketChannel channel) {
			try {
				channel.setOption(StandardSocketOptions.TCP_NODELAY, true);
			}
			catch (IOException ex) {
				// The peer reset already: the acceptor sees the same failure and closes.
			}
		}

	}

}
