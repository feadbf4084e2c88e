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
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;
import io.connlistener.tls.TlsContexts;
import io.connlistener.tls.TlsServerContext;
import io.connlistener.tls.TlsSettings;

/**
 * {@link ConnListenerEchoPeer} over TLS: the same loop, listener options and echo handler,
 * with {@link TlsSettings} of a JDK {@code SSLContext} from the PKCS#12 key store of the
 * {@link TlsFiles} folder named by the only argument, and core's defaults otherwise. The
 * listener makes the handshake on the loop; each connection is then a
 * {@link BufferedConnection} on that loop over its {@link AcceptedConnection#tls() TLS
 * channel}, opened with {@link BufferedConnection#open(EventLoop, AcceptedConnection,
 * BufferedHandler, BufferedConnectionSettings)}, whose close is reported to the listener, as
 * {@code BufferedConnections} does for the plain peer.
 */
public final class ConnListenerTlsEchoPeer {

	private ConnListenerTlsEchoPeer() {
	}

	public static void main(String[] args) throws IOException, GeneralSecurityException {
		TlsSettings tls = TlsSettings
			.builder(TlsContexts.of(TlsServerContext.of(TlsFiles.serverContext(Path.of(args[0])))))
			.build();
		EventLoopGroup group = new EventLoopGroup(1, "connlistener-tls-echo");
		EventLoop loop = group.loops().get(0);
		ConnListener listener = ConnListener.builder(loop)
			.callback(new TlsEchoCallback(loop, new ConnListenerEchoPeer.EchoHandler()))
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
	 * Sets {@code TCP_NODELAY}, as {@link ConnListenerEchoPeer} does, then serves the
	 * connection, with its TLS channel, as a buffered connection on the loop.
	 */
	private static final class TlsEchoCallback implements AcceptCallback {

		private final EventLoop loop;

		private final BufferedHandler handler;

		TlsEchoCallback(EventLoop loop, BufferedHandler handler) {
			this.loop = loop;
			this.handler = handler;
		}

		@Override
		public void onAccept(ConnListener listener, AcceptedConnection connection) {
			try {
				connection.channel().setOption(StandardSocketOptions.TCP_NODELAY, true);
			}
			catch (IOException ex) {
				// The peer reset already: the connection sees the same failure and closes.
			}
			SocketAddress remoteAddress = connection.remoteAddress();
			BufferedConnection buffered = BufferedConnection.open(this.loop, connection, this.handler,
					BufferedConnectionSettings.DEFAULTS);
			buffered.onClose(() -> listener.connectionClosed(remoteAddress));
		}

		@Override
		public void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
			onAccept(listener, AcceptedConnection.direct(channel, remoteAddress));
		}

	}

}
