package io.connlistener.boot.test;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

import io.connlistener.testsupport.Figures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ConnListenerClient} against a peer the test plays itself, on a plain
 * JDK socket, so that it can be silent, slow to read, or close.
 */
@Timeout(60)
class ConnListenerClientTests {

	private static final Duration SHORT = Duration.ofMillis(200);

	private ServerSocketChannel server;

	private final List<AutoCloseable> closeables = new ArrayList<>();

	@BeforeEach
	void bind() throws IOException {
		this.server = ServerSocketChannel.open().bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0));
		this.closeables.add(this.server);
	}

	@AfterEach
	void close() throws Exception {
		for (AutoCloseable closeable : this.closeables) {
			closeable.close();
		}
	}

	@Test
	void sendsAndReadsLinesTextAndBytes() throws Exception {
		ConnListenerClient client = client();
		SocketChannel peer = accept();
		client.sendLine("héllo").send("text").send(new byte[] { 0, 1, 2 });
		assertThat(receive(peer, 14)).isEqualTo("héllo\ntext\0\1\2".getBytes(StandardCharsets.UTF_8));
		send(peer, "one\r\ntwo\n\nthree\nrest".getBytes(StandardCharsets.UTF_8));
		assertThat(client.readLine()).isEqualTo("one");
		client.expectLine("two").expectLine("");
		assertThat(client.read(6)).isEqualTo("three\n".getBytes(StandardCharsets.UTF_8));
		client.expect("re").expect(new byte[] { 's', 't' });
		assertThat(client.localAddress()).isEqualTo(peer.getRemoteAddress());
	}

	@Test
	void readLineTimesOutAndKeepsWhatArrivedForTheNextRead() throws Exception {
		ConnListenerClient client = client().timeout(SHORT);
		SocketChannel peer = accept();
		send(peer, "par".getBytes(StandardCharsets.UTF_8));
		long start = System.nanoTime();
		assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(client::readLine)
			.withMessage("Timed out after 200 ms waiting for a line from " + address() + "; received 3 bytes: 'par'");
		Duration waited = Duration.ofNanos(System.nanoTime() - start);
		assertThat(waited).isGreaterThanOrEqualTo(SHORT).isLessThan(ConnListenerClient.DEFAULT_TIMEOUT);
		Figures.record("client-read-timeout", "readLine with a %d ms timeout gave up after %d ms", SHORT.toMillis(),
				waited.toMillis());
		// A line shorter than what was searched before: the search starts over after a read.
		send(peer, "tial\nab\n".getBytes(StandardCharsets.UTF_8));
		assertThat(client.readLine()).isEqualTo("partial");
		assertThat(client.readLine()).isEqualTo("ab");
	}

	@Test
	void readTimesOutWhenFewerBytesArrive() throws Exception {
		ConnListenerClient client = client().timeout(SHORT);
		SocketChannel peer = accept();
		send(peer, new byte[] { 7, 8 });
		assertThatExceptionOfType(SocketTimeoutException.class).isThrownBy(() -> client.read(4))
			.withMessageStartingWith("Timed out after 200 ms waiting for 4 bytes from " + address() + "; received 2 bytes");
		send(peer, new byte[] { 9, 10 });
		assertThat(client.read(4)).containsExactly(7, 8, 9, 10);
	}

	@Test
	void sendTimesOutWhenThePeerReadsNothing() throws Exception {
		ConnListenerClient client = client().timeout(SHORT);
		accept();
		byte[] chunk = new byte[1024 * 1024];
		int sent = 0;
		SocketTimeoutException timeout = null;
		// Loopback socket buffers hold a few megabytes at most.
		while (timeout == null && sent < 256) {
			try {
				client.send(chunk);
				sent++;
			}
			catch (SocketTimeoutException ex) {
				timeout = ex;
			}
		}
		assertThat(timeout).as("timed out before 256 MB were sent").isNotNull();
		assertThat(timeout).hasMessageStartingWith("Timed out after 200 ms sending 1048576 bytes to " + address() + " (")
			.hasMessageEndingWith(" sent): it reads no more");
		Figures.record("client-send-timeout", "a peer that reads nothing took %d MB before a send timed out", sent);
	}

	@Test
	@EnabledOnOs(value = OS.LINUX, disabledReason = "Linux drops a SYN when the listen queue is full; others may refuse it")
	void connectTimesOutWhenTheListenQueueIsFull() throws Exception {
		ServerSocketChannel full = ServerSocketChannel.open()
			.bind(new InetSocketAddress(InetAddress.getByName("127.0.0.1"), 0), 1);
		this.closeables.add(full);
		InetSocketAddress address = (InetSocketAddress) full.getLocalAddress();
		// Never accepted: the kernel queues a backlog's worth of connections, then drops the SYNs.
		boolean queueFull = false;
		for (int i = 0; i < 16 && !queueFull; i++) {
			Socket socket = new Socket();
			this.closeables.add(socket);
			try {
				socket.connect(address, (int) SHORT.toMillis());
			}
			catch (SocketTimeoutException ex) {
				queueFull = true;
			}
		}
		assertThat(queueFull).as("listen queue full").isTrue();
		assertThatExceptionOfType(SocketTimeoutException.class)
			.isThrownBy(() -> ConnListenerClient.connect(address, SHORT).close())
			.withMessage("Timed out after 200 ms connecting to 127.0.0.1:" + address.getPort());
	}

	@Test
	void refusedConnectionNamesTheAddress() throws Exception {
		int port = ((InetSocketAddress) this.server.getLocalAddress()).getPort();
		this.server.close();
		assertThatExceptionOfType(ConnectException.class).isThrownBy(() -> ConnListenerClient.connect(port).close())
			.withMessageStartingWith("Could not connect to 127.0.0.1:" + port + ": ");
	}

	@Test
	void readingPastTheEndOfTheStreamSaysTheConnectionClosed() throws Exception {
		ConnListenerClient client = client();
		SocketChannel peer = accept();
		send(peer, "unfinished".getBytes(StandardCharsets.UTF_8));
		peer.close();
		assertThatExceptionOfType(EOFException.class).isThrownBy(client::readLine)
			.withMessage(address() + " closed the connection before a line arrived; received 10 bytes: 'unfinished'");
	}

	@Test
	void expectLineFailsNamingBothLines() throws Exception {
		ConnListenerClient client = client();
		send(accept(), "other\n".getBytes(StandardCharsets.UTF_8));
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> client.expectLine("this"))
			.withMessage("Expected the line 'this' from " + address() + ", but got 'other'");
	}

	@Test
	void expectBytesFailsShowingBoth() throws Exception {
		ConnListenerClient client = client();
		send(accept(), new byte[] { 1, 2 });
		assertThatExceptionOfType(AssertionError.class).isThrownBy(() -> client.expect(new byte[] { 1, 3 }))
			.withMessage("Expected [1, 3] from " + address() + ", but got [1, 2]");
	}

	@Test
	void expectClosedPassesWhenThePeerCloses() throws Exception {
		ConnListenerClient client = client();
		accept().close();
		client.expectClosed();
	}

	@Test
	void expectClosedPassesWhenThePeerResetsTheConnection() throws Exception {
		ConnListenerClient client = client();
		SocketChannel peer = accept();
		client.sendLine("unread");
		// Closing with unread input makes the kernel send a reset rather than a FIN.
		assertThat(receive(peer, 1)).containsExactly('u');
		peer.close();
		client.expectClosed();
	}

	@Test
	void expectClosedFailsWhenThePeerSendsMore() throws Exception {
		ConnListenerClient client = client();
		send(accept(), "more".getBytes(StandardCharsets.UTF_8));
		assertThatExceptionOfType(AssertionError.class).isThrownBy(client::expectClosed)
			.withMessage("Expected " + address() + " to close the connection, but it sent 4 bytes: 'more'");
	}

	@Test
	void expectClosedFailsWhenThePeerKeepsTheConnectionOpen() throws Exception {
		ConnListenerClient client = client().timeout(SHORT);
		accept();
		assertThatExceptionOfType(AssertionError.class).isThrownBy(client::expectClosed)
			.withMessage("Expected " + address() + " to close the connection within 200 ms, but it is still open");
	}

	@Test
	void timeoutMustBePositive() throws Exception {
		ConnListenerClient client = client();
		assertThatIllegalArgumentException().isThrownBy(() -> client.timeout(Duration.ZERO))
			.withMessage("'timeout' must be positive: a client never waits forever");
		assertThatIllegalArgumentException().isThrownBy(() -> ConnListenerClient.connect(this.server.getLocalAddress(),
				Duration.ofMillis(-1)));
	}

	private ConnListenerClient client() throws IOException {
		ConnListenerClient client = ConnListenerClient.connect(this.server.getLocalAddress());
		this.closeables.add(client);
		return client;
	}

	private SocketChannel accept() throws IOException {
		SocketChannel peer = this.server.accept();
		this.closeables.add(peer);
		return peer;
	}

	private String address() throws IOException {
		return "127.0.0.1:" + ((InetSocketAddress) this.server.getLocalAddress()).getPort();
	}

	private static void send(SocketChannel peer, byte[] bytes) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		while (buffer.hasRemaining()) {
			peer.write(buffer);
		}
	}

	private static byte[] receive(SocketChannel peer, int length) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(length);
		while (buffer.hasRemaining()) {
			if (peer.read(buffer) < 0) {
				throw new EOFException();
			}
		}
		return buffer.array();
	}

}
