package io.connlistener.boot.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.connlistener.AcceptCallback;
import io.connlistener.boot.handler.BlockingConnection;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.buffer.ConnectionBuffer;

/**
 * Handlers used by the tests.
 */
public final class TestHandlers {

	private TestHandlers() {
	}

	/**
	 * A raw handler that greets and closes, on the loop thread, and reports the close to its
	 * listener as a raw handler must.
	 */
	public static AcceptCallback greeter(String greeting) {
		return (listener, channel, remoteAddress) -> {
			try (channel) {
				channel.write(ByteBuffer.wrap((greeting + "\n").getBytes(StandardCharsets.UTF_8)));
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			listener.connectionClosed(remoteAddress);
		};
	}

	/**
	 * A buffered handler that echoes what it reads, the seed's echo; a line holding
	 * {@code boom} makes it throw.
	 */
	public static BufferedHandler bufferedEcho() {
		return new BufferedHandler() {

			@Override
			public void onRead(BufferedConnection connection) {
				ConnectionBuffer input = connection.input();
				for (int i = 0; i + 3 < input.readableBytes(); i++) {
					if (input.getByte(i) == 'b' && input.getByte(i + 1) == 'o' && input.getByte(i + 2) == 'o'
							&& input.getByte(i + 3) == 'm') {
						throw new IllegalStateException("boom");
					}
				}
				input.moveTo(connection.output());
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

	/**
	 * A blocking handler that echoes lines until the peer closes; a line {@code boom}
	 * makes it throw.
	 */
	public static BlockingConnectionHandler lineEcho() {
		return TestHandlers::echoLines;
	}

	/**
	 * Return {@code virtual} or {@code platform}; through reflection, as the tests compile
	 * for Java 17.
	 */
	public static String threadKind() {
		try {
			Object virtual = Thread.class.getMethod("isVirtual").invoke(Thread.currentThread());
			return Boolean.TRUE.equals(virtual) ? "virtual" : "platform";
		}
		catch (ReflectiveOperationException ex) {
			return "platform";
		}
	}

	public static void echoLines(BlockingConnection connection) throws IOException {
		BufferedReader reader = new BufferedReader(
				new InputStreamReader(connection.inputStream(), StandardCharsets.UTF_8));
		OutputStream output = connection.outputStream();
		String line;
		while ((line = reader.readLine()) != null) {
			if (line.equals("boom")) {
				throw new IllegalStateException("boom");
			}
			String reply = line + "|" + threadKind() + "\n";
			output.write(reply.getBytes(StandardCharsets.UTF_8));
		}
	}

}
