package io.connlistener.benchmarks.peers;

import java.io.IOException;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import io.connlistener.AcceptCallback;
import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.ListenerOption;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.BufferedConnections;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;
import io.connlistener.tls.TlsContexts;
import io.connlistener.tls.TlsServerContext;
import io.connlistener.tls.TlsSettings;

/**
 * {@link ConnListenerEchoPeer} over TLS: the same loop, listener options and echo handler,
 * with {@link TlsSettings} of a JDK {@code SSLContext} from the PKCS#12 key store of the
 * {@link TlsFiles} folder named by the only argument, and core's defaults otherwise. The
 * listener makes the handshake; {@link BufferedConnections} serves the connection's
 * {@link AcceptedConnection#tls() TLS channel}.
 */
public final class ConnListenerTlsEchoPeer {

	private ConnListenerTlsEchoPeer() {
	}

	public static void main(String[] args) throws IOException, GeneralSecurityException {
		TlsSettings tls = TlsSettings
			.builder(TlsContexts.of(TlsServerContext.of(TlsFiles.serverContext(Path.of(args[0])))))
			.build();
		EventLoopGroup group = new EventLoopGroup(PeerSupport.ioThreads(), "connlistener-tls-echo");
		EventLoop loop = group.loops().get(0);
		BufferedConnections acceptor = BufferedConnections.shared(group, new ConnListenerEchoPeer.EchoHandler(),
				BufferedConnectionSettings.DEFAULTS);
		ConnListener listener = ConnListener.builder(loop)
			.callback(new NoDelayCallback(acceptor))
			.options(ListenerOption.CLOSE_ON_FREE, ListenerOption.REUSEABLE)
			.backlog(PeerSupport.BACKLOG)
			.tls(tls)
			.bind(PeerSupport.LOOPBACK);
		PeerSupport.ready(listener.localAddress());
		PeerSupport.awaitStop();
		listener.close();
		group.close();
		System.exit(0);
	}

	/**
	 * Sets {@code TCP_NODELAY}, as {@link ConnListenerEchoPeer} does, then hands the
	 * connection, with its TLS channel, to the buffered connections.
	 */
	private static final class NoDelayCallback implements AcceptCallback {

		private final BufferedConnections acceptor;

		NoDelayCallback(BufferedConnections acceptor) {
			this.acceptor = acceptor;
		}

		@Override
		public void onAccept(ConnListener listener, AcceptedConnection connection) {
			try {
				connection.channel().setOption(StandardSocketOptions.TCP_NODELAY, true);
			}
			catch (IOException ex) {
				// The peer reset already: the acceptor sees the same failure and closes.
			}
			this.acceptor.onAccept(listener, connection);
		}

		@Override
		public void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
			onAccept(listener, AcceptedConnection.direct(channel, remoteAddress));
		}

	}

}
