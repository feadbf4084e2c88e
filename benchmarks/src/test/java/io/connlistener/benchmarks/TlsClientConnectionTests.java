package io.connlistener.benchmarks;

import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.nio.channels.Selector;
import java.nio.file.Path;
import java.util.Iterator;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import javax.net.ssl.SSLServerSocket;
import javax.net.ssl.SSLSocket;

import io.connlistener.benchmarks.peers.TlsFiles;
import org.junit.jupiter.api.AfterAll;
import org.junit.jupiter.api.BeforeAll;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TlsClientConnection} against a JDK TLS server in this JVM, on loopback:
 * a message larger than the socket can take at once.
 */
@Timeout(value = 60, unit = TimeUnit.SECONDS)
class TlsClientConnectionTests {

	/** More than the client's send buffer (at most {@code tcp_wmem}'s 4 MiB) and the server's small receive buffer hold. */
	private static final int MESSAGE_SIZE = 8 * 1024 * 1024;

	@TempDir
	static Path folder;

	private static TlsMaterial material;

	private static TlsClient client;

	@BeforeAll
	static void makeCertificate() throws Exception {
		material = TlsMaterial.create(folder, TlsMaterial.KeyType.EC);
		client = new TlsClient(material, TlsClient.DEFAULT_PROTOCOL);
	}

	@AfterAll
	static void deleteCertificate() {
		material.close();
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
