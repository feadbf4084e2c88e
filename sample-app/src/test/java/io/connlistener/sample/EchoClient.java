package io.connlistener.sample;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;

/**
 * A line-based client of the echo listener.
 */
final class EchoClient implements AutoCloseable {

	private final Socket socket = new Socket();

	private final BufferedReader reader;

	EchoClient(int port) throws IOException {
		this.socket.connect(new InetSocketAddress("127.0.0.1", port), 5000);
		this.socket.setSoTimeout(10_000);
		this.reader = new BufferedReader(new InputStreamReader(this.socket.getInputStream(), StandardCharsets.UTF_8));
	}

	void send(String line) throws IOException {
		this.socket.getOutputStream().write((line + "\n").getBytes(StandardCharsets.UTF_8));
	}

	String receive() throws IOException {
		return this.reader.readLine();
	}

	String echo(String line) throws IOException {
		send(line);
		return receive();
	}

	int localPort() {
		return this.socket.getLocalPort();
	}

	void readTimeout(int millis) throws IOException {
		this.socket.setSoTimeout(millis);
	}

	@Override
	public void close() throws IOException {
		this.socket.close();
	}

}
