package io.connlistener.boot.listener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.SocketTimeoutException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * Blocking streams over a {@link SocketChannel} in blocking mode, for TCP and Unix domain
 * sockets alike. Unlike {@link java.nio.channels.Channels#newInputStream}, whose reads and
 * writes share one lock, one thread may read while another writes. Closing either stream
 * closes the channel, as a socket's streams do.
 * <p>
 * A {@link StallWatch} may bound each direction: a read or write that waits for its timeout
 * fails with a {@link SocketTimeoutException}, and the channel is closed.
 */
final class ChannelStreams {

	private ChannelStreams() {
	}

	static InputStream inputStream(SocketChannel channel) {
		return inputStream(channel, null, null);
	}

	static OutputStream outputStream(SocketChannel channel) {
		return outputStream(channel, null, null);
	}

	/**
	 * Return the input stream of a channel.
	 * @param channel the channel
	 * @param watch bounds each read, or {@code null}
	 * @param failed told when a read fails, so that a reset by the peer is not taken for a
	 * failure of the handler that rethrows it; or {@code null}
	 * @return the stream
	 */
	static InputStream inputStream(SocketChannel channel, StallWatch watch, Runnable failed) {
		return new InputStream() {

			@Override
			public int read() throws IOException {
				byte[] one = new byte[1];
				int read = read(one, 0, 1);
				return (read == 1) ? (one[0] & 0xff) : -1;
			}

			@Override
			public int read(byte[] bytes, int offset, int length) throws IOException {
				Objects.checkFromIndexSize(offset, length, bytes.length);
				if (length == 0) {
					return 0;
				}
				if (watch != null) {
					watch.begin();
				}
				try {
					return channel.read(ByteBuffer.wrap(bytes, offset, length));
				}
				catch (IOException ex) {
					throw failed(watch, failed, ex, "Read timed out: nothing arrived for ");
				}
				finally {
					if (watch != null) {
						watch.end();
					}
				}
			}

			@Override
			public void close() throws IOException {
				channel.close();
			}

		};
	}

	/**
	 * Return the output stream of a channel.
	 * @param channel the channel
	 * @param watch bounds each write, or {@code null}
	 * @param failed told when a write fails; or {@code null}
	 * @return the stream
	 */
	static OutputStream outputStream(SocketChannel channel, StallWatch watch, Runnable failed) {
		return new OutputStream() {

			@Override
			public void write(int value) throws IOException {
				write(new byte[] { (byte) value }, 0, 1);
			}

			@Override
			public void write(byte[] bytes, int offset, int length) throws IOException {
				Objects.checkFromIndexSize(offset, length, bytes.length);
				ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
				if (watch != null) {
					watch.begin();
				}
				try {
					while (buffer.hasRemaining()) {
						channel.write(buffer);
					}
				}
				catch (IOException ex) {
					throw failed(watch, failed, ex, "Write timed out: the peer took nothing for ");
				}
				finally {
					if (watch != null) {
						watch.end();
					}
				}
			}

			@Override
			public void close() throws IOException {
				channel.close();
			}

		};
	}

	private static IOException failed(StallWatch watch, Runnable failed, IOException ex, String message) {
		if (failed != null) {
			failed.run();
		}
		if (watch == null || !watch.isStalled()) {
			return ex;
		}
		SocketTimeoutException timeout = new SocketTimeoutException(message + watch.timeout().toMillis() + " ms");
		timeout.initCause(ex);
		return timeout;
	}

}
