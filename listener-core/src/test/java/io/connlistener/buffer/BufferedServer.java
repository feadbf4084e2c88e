package io.connlistener.buffer;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.EnumSet;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.TreeMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Function;
import java.util.function.Supplier;
import java.util.stream.Collectors;
import java.util.stream.Stream;

import io.connlistener.ConnListener;
import io.connlistener.ListenerOption;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;

/**
 * A listener on 127.0.0.1 and an ephemeral port whose connections are served by a
 * {@link BufferedConnections}, plus the blocking clients a test opens; all closed by
 * {@link #close()}.
 */
final class BufferedServer implements AutoCloseable {

	/** Room for a thousand connects at once, whatever the kernel's default. */
	private static final int BACKLOG = 2048;

	final EventLoop acceptLoop = new EventLoop("buffered-test-accept");

	final EventLoopGroup group;

	final ConnListener listener;

	private final List<SocketChannel> clients = new CopyOnWriteArrayList<>();

	BufferedServer(int loops, Supplier<? extends BufferedHandler> handlers, BufferedConnectionSettings settings)
			throws IOException {
		this(loops, handlers, settings, BufferedConnections.LoopChoice.ROUND_ROBIN);
	}

	BufferedServer(int loops, Supplier<? extends BufferedHandler> handlers, BufferedConnectionSettings settings,
			BufferedConnections.LoopChoice loopChoice) throws IOException {
		this(new EventLoopGroup(loops, "buffered-test-io"), (group) -> new BufferedConnections(group, handlers, settings,
				loopChoice));
	}

	/**
	 * Serve connections with an acceptor made for the group, which this server closes.
	 */
	BufferedServer(EventLoopGroup group, Function<EventLoopGroup, BufferedConnections> acceptor) throws IOException {
		this.group = group;
		this.listener = ConnListener.bind(this.acceptLoop, new InetSocketAddress("127.0.0.1", 0),
				acceptor.apply(group), EnumSet.of(ListenerOption.CLOSE_ON_FREE), BACKLOG);
	}

	SocketChannel connect() throws IOException {
		return connect(0);
	}

	SocketChannel connect(int receiveBufferSize) throws IOException {
		SocketChannel client = SocketChannel.open();
		this.clients.add(client);
		if (receiveBufferSize > 0) {
			client.setOption(StandardSocketOptions.SO_RCVBUF, receiveBufferSize);
		}
		client.connect(this.listener.localAddress());
		return client;
	}

	@Override
	public void close() {
		closeClients();
		this.listener.close();
		this.group.close();
		this.acceptLoop.close();
	}

	void closeClients() {
		for (SocketChannel client : this.clients) {
			try {
				client.close();
			}
			catch (IOException ex) {
				// Closing anyway.
			}
		}
	}

	/**
	 * Count the sockets among the JVM's open file descriptors ({@code /proc/self/fd}). Other
	 * descriptors are left out: the JVM opens jar files lazily as tests load classes.
	 */
	static long openFileDescriptors() {
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			return fds.filter((fd) -> {
				try {
					return Files.readSymbolicLink(fd).toString().startsWith("socket:");
				}
				catch (IOException ex) {
					return false;
				}
			}).count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * A snapshot of the open file descriptors, to wait until the process is back to it.
	 */
	record FileDescriptors(long count, String description) {

		static FileDescriptors now() {
			try {
				// On first use the JDK opens a socket pair for closing channels and keeps one end.
				SocketChannel.open().close();
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
			return new FileDescriptors(openFileDescriptors(), describeFileDescriptors());
		}

		/**
		 * Wait until no more sockets are open than in this snapshot.
		 */
		void awaitBackToThis(Duration timeout) {
			org.awaitility.Awaitility.await()
				.atMost(timeout)
				.untilAsserted(() -> org.assertj.core.api.Assertions.assertThat(openFileDescriptors())
					.as(() -> this.count + " open sockets before: " + this.description + ", now " + openFileDescriptors()
							+ ": " + describeFileDescriptors())
					.isLessThanOrEqualTo(this.count));
		}

	}

	/**
	 * Describe the open file descriptors by kind, for assertion messages.
	 */
	static String describeFileDescriptors() {
		Map<String, String> tcp = tcpSocketsByInode();
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			return fds.map((fd) -> {
				try {
					String target = Files.readSymbolicLink(fd).toString();
					String inode = target.startsWith("socket:") ? target.replaceAll("\\D", "") : null;
					return (inode != null) ? "socket " + tcp.getOrDefault(inode, "(not TCP)")
							: target.replaceAll("\\[\\d+\\]", "");
				}
				catch (IOException ex) {
					return "closed";
				}
			}).collect(Collectors.groupingBy((kind) -> kind, TreeMap::new, Collectors.counting())).toString();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/** TCP sockets as "state local-port remote-port" by inode, from /proc/net/tcp and tcp6. */
	private static Map<String, String> tcpSocketsByInode() {
		Map<String, String> sockets = new HashMap<>();
		for (String file : List.of("/proc/self/net/tcp", "/proc/self/net/tcp6")) {
			try {
				for (String line : Files.readAllLines(Path.of(file))) {
					String[] fields = line.trim().split("\\s+");
					if (fields.length > 9 && fields[1].indexOf(':') > 0) {
						sockets.put(fields[9], "state " + fields[3] + " " + port(fields[1]) + "->" + port(fields[2]));
					}
				}
			}
			catch (IOException ex) {
				// Not Linux: describe sockets without their state.
			}
		}
		return sockets;
	}

	private static int port(String address) {
		return Integer.parseInt(address.substring(address.indexOf(':') + 1), 16);
	}

	static void assertSameBytes(byte[] actual, byte[] expected) {
		org.assertj.core.api.Assertions.assertThat(actual.length).as("length").isEqualTo(expected.length);
		org.assertj.core.api.Assertions.assertThat(java.util.Arrays.mismatch(actual, expected))
			.as("index of the first differing byte")
			.isEqualTo(-1);
	}

	static void writeFully(SocketChannel channel, byte[] bytes) throws IOException {
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		while (buffer.hasRemaining()) {
			channel.write(buffer);
		}
	}

	/**
	 * Read exactly {@code length} bytes in reads of at most {@code chunk} bytes.
	 */
	static byte[] readFully(SocketChannel channel, int length, int chunk) throws IOException {
		byte[] bytes = new byte[length];
		ByteBuffer buffer = ByteBuffer.wrap(bytes);
		while (buffer.position() < length) {
			buffer.limit(Math.min(length, buffer.position() + chunk));
			if (channel.read(buffer) < 0) {
				throw new IOException("End of stream after " + buffer.position() + " of " + length + " bytes");
			}
		}
		return bytes;
	}

}
