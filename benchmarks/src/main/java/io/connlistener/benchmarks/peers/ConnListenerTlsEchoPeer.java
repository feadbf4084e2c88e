package io.connlistener.benchmarks.peers;

import java.io.IOException;
import java.nio.file.Path;
import java.security.GeneralSecurityException;

import io.connlistener.AcceptedConnection;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.BufferedConnections;
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
		ConnListenerEchoPeer.serve(group, BufferedConnections.shared(group, new ConnListenerEchoPeer.EchoHandler(),
				BufferedConnectionSettings.DEFAULTS), tls);
	}

}
