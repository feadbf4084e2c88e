package io.connlistener.tls;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.atomic.LongAdder;
import java.util.function.Consumer;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;

import io.connlistener.AcceptCallback;
import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.ConnListenerBuilder;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.BufferedConnections;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.buffer.ConnectionEvent;
import io.connlistener.buffer.TrafficCounter;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;
import io.connlistener.testsupport.TestCertificates;

/**
 * A TLS listener on loopback for tests, serving each connection as a buffered echo (with
 * backpressure) unless given another handler, and what its handlers saw; plus the clients
 * of the tests, real JDK {@link SSLSocket}s that check the server's certificate and name.
 */
final class TlsServer implements AutoCloseable {

	static final TestCertificates certificates = TestCertificates.shared();

	final EventLoop loop = new EventLoop("tls-listener");

	final EventLoopGroup group = new EventLoopGroup(1, "tls-connection");

	final BlockingQueue<BufferedConnection> opened = new LinkedBlockingQueue<>();

	final BlockingQueue<ConnectionEvent> events = new LinkedBlockingQueue<>();

	/** Bytes the sockets of the buffered connections received, as their traffic counter was told. */
	final LongAdder received = new LongAdder();

	/** Bytes the sockets of the buffered connections sent, as their traffic counter was told. */
	final LongAdder sent = new LongAdder();

	final BufferedConnections connections;

	final ConnListener listener;

	private TlsServer(TlsSettings settings, BufferedHandler handler, BufferedConnectionSettings bufferSettings,
			Consumer<ConnListenerBuilder> customizer) throws IOException {
		this.connections = new BufferedConnections(this.group, () -> new Recording(handler), bufferSettings,
				BufferedConnections.LoopChoice.ROUND_ROBIN, new TrafficCounter() {

					@Override
					public void received(long bytes) {
						TlsServer.this.received.add(bytes);
					}

					@Override
					public void sent(long bytes) {
						TlsServer.this.sent.add(bytes);
					}

				});
		ConnListenerBuilder builder = ConnListener.builder(this.loop).callback(this.connections).tls(settings);
		customizer.accept(builder);
		this.listener = builder.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
	}

	static TlsServer start(TlsSettings settings) throws IOException {
		return start(settings, echo(), BufferedConnectionSettings.DEFAULTS, (builder) -> {
		});
	}

	static TlsServer start(TlsSettings settings, BufferedHandler handler, BufferedConnectionSettings bufferSettings,
			Consumer<ConnListenerBuilder> customizer) throws IOException {
		return new TlsServer(settings, handler, bufferSettings, customizer);
	}

	/**
	 * Return settings whose every handshake uses the {@code server} certificate.
	 */
	static TlsSettings.Builder settings() {
		return TlsSettings.builder(TlsContexts.of(TlsServerContext.of(certificates.context("server"))));
	}

	InetSocketAddress address() {
		return (InetSocketAddress) this.listener.localAddress();
	}

	long rejections(io.connlistener.RejectionReason reason) {
		return this.listener.stats().rejections(reason);
	}

	/**
	 * Connect a client that trusts the test CA, presents no certificate, asks for
	 * {@code localhost} with SNI and checks the server's certificate against it.
	 */
	SSLSocket connect(String... protocols) throws IOException {
		return connect(certificates.clientContext(), "localhost", List.of(), protocols);
	}

	/**
	 * Connect a client as {@link #connect(String...)} does, with a small receive buffer.
	 */
	SSLSocket connect(int receiveBufferSize) throws IOException {
		SSLSocket socket = (SSLSocket) certificates.clientContext().getSocketFactory().createSocket();
		socket.setReceiveBufferSize(receiveBufferSize);
		return configure(socket, address(), "localhost", List.of());
	}

	/**
	 * Connect a client as {@link #connect(String...)} does, through another address (a
	 * relay to this server).
	 */
	SSLSocket connect(InetSocketAddress through) throws IOException {
		return configure((SSLSocket) certificates.clientContext().getSocketFactory().createSocket(), through,
				"localhost", List.of());
	}

	SSLSocket connect(SSLContext context, String serverName, List<String> applicationProtocols, String... protocols)
			throws IOException {
		return configure((SSLSocket) context.getSocketFactory().createSocket(), address(), serverName,
				applicationProtocols, protocols);
	}

	private SSLSocket configure(SSLSocket socket, InetSocketAddress address, String serverName,
			List<String> applicationProtocols, String... protocols) throws IOException {
		socket.connect(address, 5000);
		socket.setSoTimeout(10_000);
		SSLParameters parameters = socket.getSSLParameters();
		parameters.setEndpointIdentificationAlgorithm("HTTPS");
		parameters.setServerNames(List.of(new SNIHostName(serverName)));
		if (protocols.length > 0) {
			parameters.setProtocols(protocols);
		}
		if (!applicationProtocols.isEmpty()) {
			parameters.setApplicationProtocols(applicationProtocols.toArray(new String[0]));
		}
		socket.setSSLParameters(parameters);
		return socket;
	}

	static byte[] echo(Socket socket, byte[] message) throws IOException {
		OutputStream out = socket.getOutputStream();
		out.write(message);
		out.flush();
		return readFully(socket.getInputStream(), message.length);
	}

	static byte[] readFully(InputStream in, int length) throws IOException {
		byte[] bytes = in.readNBytes(length);
		if (bytes.length < length) {
			throw new IOException("Stream ended after " + bytes.length + " of " + length + " bytes");
		}
		return bytes;
	}

	/**
	 * Return a raw callback, as a TLS listener takes one, that queues each connection.
	 */
	static AcceptCallback raw(BlockingQueue<AcceptedConnection> accepted) {
		return new AcceptCallback() {

			@Override
			public void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
				throw new UnsupportedOperationException();
			}

			@Override
			public void onAccept(ConnListener listener, AcceptedConnection connection) {
				accepted.add(connection);
			}

		};
	}

	/**
	 * An echo with backpressure: reading stops while the output is over the watermark.
	 */
	static BufferedHandler echo() {
		return new BufferedHandler() {

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

		};
	}

	@Override
	public void close() {
		this.listener.close();
		this.connections.closeAll();
		this.group.close();
		this.loop.close();
	}

	/**
	 * Records what the tests look at, and passes every call on.
	 */
	private final class Recording implements BufferedHandler {

		private final BufferedHandler handler;

		Recording(BufferedHandler handler) {
			this.handler = handler;
		}

		@Override
		public void onOpen(BufferedConnection connection) {
			TlsServer.this.opened.add(connection);
			this.handler.onOpen(connection);
		}

		@Override
		public void onRead(BufferedConnection connection) {
			this.handler.onRead(connection);
		}

		@Override
		public void onWrite(BufferedConnection connection) {
			this.handler.onWrite(connection);
		}

		@Override
		public void onEvent(BufferedConnection connection, ConnectionEvent event) {
			TlsServer.this.events.add(event);
			this.handler.onEvent(connection, event);
		}

	}

}
