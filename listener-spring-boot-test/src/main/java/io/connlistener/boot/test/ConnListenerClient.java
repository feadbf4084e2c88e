package io.connlistener.boot.test;

import java.io.EOFException;
import java.io.IOException;
import java.net.ConnectException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.Arrays;

import io.connlistener.boot.listener.ListenerDefinition;

import org.springframework.context.ApplicationContext;
import org.springframework.core.env.Environment;
import org.springframework.util.Assert;

/**
 * A client of one listener for tests: connects by the listener's name (or by port or
 * address), sends text, lines or bytes, and reads or expects them back. Text is UTF-8; a
 * line ends with {@code \n}, and {@code \r\n} is read as a line end too.
 * <p>
 * No call blocks forever: connecting, each read and each send must finish within the
 * client's {@link #timeout(Duration) timeout}, {@link #DEFAULT_TIMEOUT 10 seconds} unless
 * set, or throws a {@link java.net.SocketTimeoutException}; what was received meanwhile is
 * kept for the next read. The {@code expect...} methods throw an {@link AssertionError} when
 * the listener sends something else. Over TCP and Unix domain sockets alike.
 * <p>
 * Not thread-safe: use a client from one thread at a time.
 * <pre class="code">
 * try (ConnListenerClient client = ConnListenerClient.connect(context, "echo")) {
 *     client.sendLine("hello").expectLine("hello");
 * }</pre>
 */
public final class ConnListenerClient implements AutoCloseable {

	/**
	 * How long connecting, a read or a send may take unless {@link #timeout(Duration)} says
	 * otherwise.
	 */
	public static final Duration DEFAULT_TIMEOUT = Duration.ofSeconds(10);

	private final ClientChannel channel;

	private ConnListenerClient(ClientChannel channel) {
		this.channel = channel;
	}

	/**
	 * Connect to a listener of an application context, at the address it has bound: its
	 * socket file, or its port on its address (on the loopback address for a wildcard
	 * one).
	 * @param context the application context, started
	 * @param listener the listener's name
	 * @return the connected client
	 * @throws IOException if the connection cannot be made in time
	 * @throws java.util.NoSuchElementException if the context has no such listener
	 * @throws IllegalStateException if the context has no listeners or the listener has not
	 * bound yet
	 */
	public static ConnListenerClient connect(ApplicationContext context, String listener) throws IOException {
		Assert.notNull(context, "'context' must not be null");
		Assert.notNull(listener, "'listener' must not be null");
		return connect(ListenerAddresses.of(context, listener), listener);
	}

	/**
	 * Connect to a listener at the address it has published in the environment: its
	 * {@code local.conn-listener.<name>.path}, or its {@code local.conn-listener.<name>.port}
	 * on {@code 127.0.0.1}. For a listener on another address, use
	 * {@link #connect(ApplicationContext, String)}.
	 * @param environment the environment of the listener's application context, started
	 * @param listener the listener's name
	 * @return the connected client
	 * @throws IOException if the connection cannot be made in time
	 * @throws IllegalStateException if the listener has published no address
	 */
	public static ConnListenerClient connect(Environment environment, String listener) throws IOException {
		Assert.notNull(environment, "'environment' must not be null");
		Assert.notNull(listener, "'listener' must not be null");
		return connect(ListenerAddresses.of(environment, listener), listener);
	}

	private static ConnListenerClient connect(SocketAddress address, String listener) throws IOException {
		return connect(address, DEFAULT_TIMEOUT, "listener '" + listener + "' at " + ListenerDefinition.describe(address));
	}

	/**
	 * Connect to a port on {@code 127.0.0.1}.
	 * @param port the port
	 * @return the connected client
	 * @throws IOException if the connection cannot be made in time
	 */
	public static ConnListenerClient connect(int port) throws IOException {
		return connect(ListenerAddresses.loopback(port));
	}

	/**
	 * Connect to an address: an {@link InetSocketAddress} or a
	 * {@link java.net.UnixDomainSocketAddress}.
	 * @param address the address
	 * @return the connected client
	 * @throws IOException if the connection cannot be made in time
	 */
	public static ConnListenerClient connect(SocketAddress address) throws IOException {
		return connect(address, DEFAULT_TIMEOUT);
	}

	/**
	 * Connect to an address within a timeout, which the client then keeps for every read
	 * and send.
	 * @param address an {@link InetSocketAddress} or a {@link java.net.UnixDomainSocketAddress}
	 * @param timeout how long connecting, and then each read and send, may take
	 * @return the connected client
	 * @throws IOException if the connection cannot be made in time
	 */
	public static ConnListenerClient connect(SocketAddress address, Duration timeout) throws IOException {
		Assert.notNull(address, "'address' must not be null");
		return connect(address, timeout, ListenerDefinition.describe(address));
	}

	private static ConnListenerClient connect(SocketAddress address, Duration timeout, String peer) throws IOException {
		checkTimeout(timeout);
		try {
			return new ConnListenerClient(ClientChannel.connect(address, timeout, peer));
		}
		catch (ConnectException ex) {
			throw (ConnectException) new ConnectException("Could not connect to " + peer + ": " + ex.getMessage())
				.initCause(ex);
		}
	}

	/**
	 * Set how long each later read and send may take.
	 * @param timeout the timeout, positive
	 * @return this client
	 */
	public ConnListenerClient timeout(Duration timeout) {
		checkTimeout(timeout);
		this.channel.timeout(timeout);
		return this;
	}

	/**
	 * Send text, in UTF-8.
	 * @param text the text
	 * @return this client
	 * @throws IOException if it cannot be sent in time
	 */
	public ConnListenerClient send(String text) throws IOException {
		Assert.notNull(text, "'text' must not be null");
		return send(text.getBytes(StandardCharsets.UTF_8));
	}

	/**
	 * Send a line: the text and {@code \n}.
	 * @param line the line, without its end
	 * @return this client
	 * @throws IOException if it cannot be sent in time
	 */
	public ConnListenerClient sendLine(String line) throws IOException {
		Assert.notNull(line, "'line' must not be null");
		return send(line + "\n");
	}

	/**
	 * Send bytes.
	 * @param bytes the bytes
	 * @return this client
	 * @throws IOException if they cannot be sent in time
	 */
	public ConnListenerClient send(byte[] bytes) throws IOException {
		Assert.notNull(bytes, "'bytes' must not be null");
		this.channel.write(ByteBuffer.wrap(bytes));
		return this;
	}

	/**
	 * Read a line.
	 * @return the line, without its end
	 * @throws java.net.SocketTimeoutException if no whole line arrives in time
	 * @throws EOFException if the listener closes the connection before a line ends
	 * @throws IOException if reading fails
	 */
	public String readLine() throws IOException {
		byte[] line = this.channel.readLine();
		int length = line.length - 1;
		if (length > 0 && line[length - 1] == '\r') {
			length--;
		}
		return new String(line, 0, length, StandardCharsets.UTF_8);
	}

	/**
	 * Read a number of bytes.
	 * @param length how many
	 * @return the bytes
	 * @throws java.net.SocketTimeoutException if fewer arrive in time
	 * @throws EOFException if the listener closes the connection before they all arrive
	 * @throws IOException if reading fails
	 */
	public byte[] read(int length) throws IOException {
		Assert.isTrue(length >= 0, "'length' must not be negative");
		return this.channel.read(length);
	}

	/**
	 * Read a line and check it.
	 * @param expected the line expected, without its end
	 * @return this client
	 * @throws AssertionError if another line arrives
	 * @throws IOException if no line arrives in time, or the connection closes first
	 */
	public ConnListenerClient expectLine(String expected) throws IOException {
		Assert.notNull(expected, "'expected' must not be null");
		String line = readLine();
		if (!expected.equals(line)) {
			throw new AssertionError("Expected the line '" + expected + "' from " + this.channel.peer() + ", but got '"
					+ line + "'");
		}
		return this;
	}

	/**
	 * Read as many bytes as the text takes in UTF-8 and check that they are the text.
	 * @param expected the text expected
	 * @return this client
	 * @throws AssertionError if other bytes arrive
	 * @throws IOException if they do not arrive in time, or the connection closes first
	 */
	public ConnListenerClient expect(String expected) throws IOException {
		Assert.notNull(expected, "'expected' must not be null");
		String text = new String(read(expected.getBytes(StandardCharsets.UTF_8).length), StandardCharsets.UTF_8);
		if (!expected.equals(text)) {
			throw new AssertionError("Expected '" + expected + "' from " + this.channel.peer() + ", but got '" + text + "'");
		}
		return this;
	}

	/**
	 * Read as many bytes as expected and check them.
	 * @param expected the bytes expected
	 * @return this client
	 * @throws AssertionError if other bytes arrive
	 * @throws IOException if they do not arrive in time, or the connection closes first
	 */
	public ConnListenerClient expect(byte[] expected) throws IOException {
		Assert.notNull(expected, "'expected' must not be null");
		byte[] bytes = read(expected.length);
		if (!Arrays.equals(expected, bytes)) {
			throw new AssertionError("Expected " + Arrays.toString(expected) + " from " + this.channel.peer()
					+ ", but got " + Arrays.toString(bytes));
		}
		return this;
	}

	/**
	 * Check that the listener closes the connection, within the timeout, without sending
	 * anything more; a reset counts as a close.
	 * @throws AssertionError if it sends more, or keeps the connection open
	 * @throws IOException if this client was closed
	 */
	public void expectClosed() throws IOException {
		this.channel.expectClosed();
	}

	/**
	 * Return the client's own address, such as the port a handler sees as the remote one.
	 * @return the address
	 */
	public SocketAddress localAddress() {
		return this.channel.localAddress();
	}

	/**
	 * Close the connection. Has no effect when already closed.
	 */
	@Override
	public void close() {
		this.channel.close();
	}

	@Override
	public String toString() {
		return "ConnListenerClient[" + this.channel.peer() + "]";
	}

	private static void checkTimeout(Duration timeout) {
		Assert.notNull(timeout, "'timeout' must not be null");
		Assert.isTrue(!timeout.isNegative() && !timeout.isZero(), "'timeout' must be positive: a client never waits forever");
	}

}
