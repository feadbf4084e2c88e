package io.connlistener.boot.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;

/**
 * A line-oriented test client on the loopback interface, with a read timeout so that no
 * test waits forever.
 */
public final class LoopbackClient implements AutoCloseable {

	private static final int TIMEOUT_MILLIS = 10_000;

	private final Socket socket;

	private final BufferedReader reader;

	private final OutputStream output;

	private LoopbackClient(Socket socket) throws IOException {
		this.socket = socket;
		this.reader = new BufferedReader(new InputStreamReader(socket.getInputStream(), StandardCharsets.UTF_8));
		this.output = socket.getOutputStream();
	}

	public static LoopbackClient connect(SocketAddress listenerAddress) {
		int port = ((InetSocketAddress) listenerAddress).getPort();
		try {
			Socket socket = new Socket();
			socket.connect(new InetSocketAddress("127.0.0.1", port), TIMEOUT_MILLIS);
			socket.setSoTimeout(TIMEOUT_MILLIS);
			return new LoopbackClient(socket);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public LoopbackClient send(String text) {
		try {
			this.output.write(text.getBytes(StandardCharsets.UTF_8));
			this.output.flush();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public String readLine() {
		try {
			return this.reader.readLine();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	public String exchange(String line) {
		send(line + "\n");
		return readLine();
	}

	/**
	 * Return whether the server closed the connection: end of stream, or a reset.
	 */
	public boolean isClosedByPeer() {
		try {
			return this.reader.read() == -1;
		}
		catch (IOException ex) {
			return true;
		}
	}

	@Override
	public void close() {
		try {
			this.socket.close();
		}
		catch (IOException ex) {
			// Closing a test client.
		}
	}

}
