package io.connlistener.boot.listener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.Objects;

/**
 * Blocking streams over a {@link SocketChannel} in blocking mode, for TCP and Unix domain
 * sockets alike. Unlike {@link java.nio.channels.Channels#newInputStream}, whose reads and
 * writes share one lock, one thread may read while another writes. Closing either stream
 * closes the channel, as a socket's streams do.
 */
final class ChannelStreams {

	private ChannelStreams() {
	}

	static InputStream inputStream(SocketChannel channel) {
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
				return channel.read(ByteBuffer.wrap(bytes, offset, length));
			}

			@Override
			public void close() throws IOException {
				channel.close();
			}

		};
	}

	static OutputStream outputStream(SocketChannel channel) {
		return new OutputStream() {

			@Override
			public void write(int value) throws IOException {
				write(new byte[] { (byte) value }, 0, 1);
			}

			@Override
			public void write(byte[] bytes, int offset, int length) throws IOException {
				Objects.checkFromIndexSize(offset, length, bytes.length);
				ByteBuffer buffer = ByteBuffer.wrap(bytes, offset, length);
				while (buffer.hasRemaining()) {
					channel.write(buffer);
				}
			}

			@Override
			public void close() throws IOException {
				channel.close();
			}

		};
	}

}
