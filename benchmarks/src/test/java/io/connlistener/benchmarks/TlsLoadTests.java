package io.connlistener.benchmarks;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.security.Principal;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Collections;
import java.util.IdentityHashMap;
import java.util.Iterator;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.X509ExtendedKeyManager;
import javax.net.ssl.X509KeyManager;

import io.connlistener.benchmarks.peers.NettyEchoPeer;
import io.connlistener.benchmarks.peers.TlsFiles;
import io.netty.channel.Channel;
import io.netty.channel.EventLoopGroup;
import io.netty.channel.MultiThreadIoEventLoopGroup;
import io.netty.channel.nio.NioIoHandler;
import io.netty.channel.socket.nio.NioServerSocketChannel;
import io.netty.handler.ssl.OpenSsl;
import io.netty.handler.ssl.SslContext;
import io.netty.handler.ssl.SslContextBuilder;
import io.netty.handler.ssl.SslProvider;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for the TLS load generator ({@link TlsClient}, {@link TlsClientConnection}) against
 * the Netty TLS peer's server, in this JVM on loopback: handshakes, echoes and full
 * handshakes only; and against a JDK TLS server, a message larger than the socket can
 * take at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsLoadTests {

	/** More than the client's send buffer (at most {@code tcp_wmem}'s 4 MiB) and the server's small receive buffer hold. */
	private static final int MESSAGE_SIZE = 8 * 1024 * 1024;

	@TempDir
	static Path folder;

	private static TlsMaterial material;

	private static TlsClient client;

	private final EventLoopGroup group = new MultiThreadIoEventLoopGroup(1, NioIoHandler.newFactory());

	@BeforeAll
	static void makeCertificate() throws Exception {
		material = TlsMaterial.create(folder, TlsMaterial.KeyType.EC);
		client = new TlsClient(material, TlsClient.DEFAULT_PROTOCOL);
	}

	@AfterAll
	static void deleteCertificate() {
		material.close();
	}

	@AfterEach
	void stopServer() {
		this.group.shutdownGracefully(0, 1, TimeUnit.SECONDS).syncUninterruptibly();
	}

	@Test
	void probeMakesAHandshakeAndAnEchoWithThePinnedSuite() throws Exception {
		InetSocketAddress address = start(NettyEchoPeer.sslContext(SslProvider.JDK, folder));
		assertThat(client.probe(address, Duration.ofSeconds(10))).isEqualTo("TLSv1.3 TLS_AES_128_GCM_SHA256");
	}

	@Test
	void probeOfAServerWithoutTlsFails() throws Exception {
		InetSocketAddress address = start(null);
		assertThatExceptionOfType(SSLException.class).isThrownBy(() -> client.probe(address, Duration.ofSeconds(10)));
	}

	@Test
	void probeOfAServerWithAnotherCertificateFails(@TempDir Path other) throws Exception {
		TlsMaterial.create(other, TlsMaterial.KeyType.EC);
		InetSocketAddress address = start(NettyEchoPeer.sslContext(SslProvider.JDK, other));
		assertThatExceptionOfType(SSLException.class).isThrownBy(() -> client.probe(address, Duration.ofSeconds(10)));
	}

	@Test
	void tlsEchoesRoundTripWithoutErrors() throws Exception {
		InetSocketAddress address = start(NettyEchoPeer.sslContext(SslProvider.JDK, folder));
		for (String name : List.of("tls-echo-4x64", "tls-echo-2x4k")) {
			LoadResult result = new LoadGenerator(1).run(Scenario.parse(name), address, client, Duration.ofMillis(300),
					Duration.ofMillis(500), () -> 0);
			assertThat(result.operations()).as(name).isPositive();
			assertThat(result.errors()).as(name).isZero();
		}
	}

	@Test
	void tlsEchoesRoundTripThroughBoringSsl() throws Exception {
		assumeTrue(OpenSsl.isAvailable(), "netty-tcnative loads on this machine");
		InetSocketAddress address = start(NettyEchoPeer.sslContext(SslProvider.OPENSSL, folder));
		assertThat(client.probe(address, Duration.ofSeconds(10))).isEqualTo("TLSv1.3 TLS_AES_128_GCM_SHA256");
		LoadResult result = new LoadGenerator(1).run(Scenario.parse("tls-echo-2x4k"), address, client,
				Duration.ofMillis(300), Duration.ofMillis(500), () -> 0);
		assertThat(result.operations()).isPositive();
		assertThat(result.errors()).isZero();
	}

	@Test
	void everyHandshakeCycleIsAFullHandshake() throws Exception {
		// A full handshake asks the server's key manager for its key; a resumed one does not.
		KeyManagerFactory factory = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		factory.init(TlsFiles.keyStore(folder), TlsFiles.PASSWORD.toCharArray());
		CountingKeyManager keys = new CountingKeyManager((X509KeyManager) factory.getKeyManagers()[0]);
		InetSocketAddress address = start(SslContextBuilder.forServer(keys).sslProvider(SslProvider.JDK).build());
		LoadResult result = new LoadGenerator(1).run(Scenario.parse("tls-handshake-2"), address, client,
				Duration.ofMillis(300), Duration.ofMillis(700), () -> 0);
		assertThat(result.operations()).isGreaterThan(2);
		assertThat(result.errors()).isZero();
		// Warm-up handshakes ask too; resumed ones would leave the count near one.
		assertThat(keys.engines()).isGreaterThanOrEqualTo((int) result.operations());
	}

	private InetSocketAddress start(SslContext tls) throws InterruptedException {
		Channel server = NettyEchoPeer.bootstrap(this.group, NioServerSocketChannel.class, tls)
			.bind(new InetSocketAddress("127.0.0.1", 0))
			.sync()
			.channel();
		return (InetSocketAddress) server.localAddress();
	}

	/**
	 * Counts the engines that asked for the server's key: the full handshakes.
	 */
	private static final class CountingKeyManager extends X509ExtendedKeyManager {

		private final X509KeyManager delegate;

		private final Set<SSLEngine> engines = Collections.synchronizedSet(Collections.newSetFromMap(new IdentityHashMap<>()));

		CountingKeyManager(X509KeyManager delegate) {
			this.delegate = delegate;
		}

		int engines() {
			return this.engines.size();
		}

		@Override
		public String chooseEngineServerAlias(String keyType, Principal[] issuers, SSLEngine engine) {
			String alias = this.delegate.chooseServerAlias(keyType, issuers, null);
			if (alias != null) {
				this.engines.add(engine);
			}
			return alias;
		}

		@Override
		public String chooseServerAlias(String keyType, Principal[] issuers, Socket socket) {
			return this.delegate.chooseServerAlias(keyType, issuers, socket);
		}

		@Override
		public String[] getServerAliases(String keyType, Principal[] issuers) {
			return this.delegate.getServerAliases(keyType, issuers);
		}

		@Override
		public String[] getClientAliases(String keyType, Principal[] issuers) {
			return this.delegate.getClientAliases(keyType, issuers);
		}

		@Override
		public String chooseClientAlias(String[] keyType, Principal[] issuers, Socket socket) {
			return this.delegate.chooseClientAlias(keyType, issuers, socket);
		}

		@Override
		public X509Certificate[] getCertificateChain(String alias) {
			return this.delegate.getCertificateChain(alias);
		}

		@Override
		public PrivateKey getPrivateKey(String alias) {
			return this.delegate.getPrivateKey(alias);
		}

	}

	@Test
	void aMessageTheSocketCannotTakeAtOnceGoesOnAsTheSocketDrains() throws Exception {
		CountDownLatch sending = new CountDownLatch(1);
		CountDownLatch done = new CountDownLatch(1);
		try (SSLServerSocket listening = (SSLServerSocket) TlsFiles.serverContext(folder)
			.getServerSocketFactory()
			.createServerSocket()) {
			// Set before bind, so accepted sockets take it: no receive window to grow into.
			listening.setReceiveBufferSize(64 * 1024);
			listening.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1);
			CompletableFuture<Integer> server = CompletableFuture.supplyAsync(() -> {
				try (SSLSocket socket = (SSLSocket) listening.accept()) {
					socket.startHandshake();
					// Reads nothing until the client has begun its message, which then cannot all fit.
					sending.await(30, TimeUnit.SECONDS);
					InputStream in = socket.getInputStream();
					byte[] message = in.readNBytes(MESSAGE_SIZE);
					OutputStream out = socket.getOutputStream();
					out.write(message);
					out.flush();
					// Open until the client has read the echo: a close_notify now would end its read.
					done.await(30, TimeUnit.SECONDS);
					return message.length;
				}
				catch (Exception ex) {
					throw new IllegalStateException(ex);
				}
			});
			InetSocketAddress address = (InetSocketAddress) listening.getLocalSocketAddress();
			try (Selector selector = Selector.open()) {
				TlsClientConnection connection = TlsClientConnection.connect(selector, address,
						ClientConnection.payload(MESSAGE_SIZE), client);
				try {
					boolean echoed = false;
					while (!echoed) {
						assertThat(server).isNotDone();
						selector.select(100);
						Iterator<SelectionKey> keys = selector.selectedKeys().iterator();
						while (keys.hasNext()) {
							SelectionKey key = keys.next();
							keys.remove();
							if (key.isConnectable()) {
								connection.finishConnect();
								continue;
							}
							if (key.isWritable()) {
								connection.flush();
							}
							if (key.isReadable() && connection.read()) {
								echoed = true;
							}
						}
						if (connection.sentAt() != 0) {
							sending.countDown();
						}
					}
					done.countDown();
					assertThat(server.get(30, TimeUnit.SECONDS)).isEqualTo(MESSAGE_SIZE);
				}
				finally {
					done.countDown();
					connection.close();
				}
			}
		}
	}

}
