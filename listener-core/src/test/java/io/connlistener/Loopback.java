package io.connlistener;

import java.io.Closeable;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.net.SocketAddress;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Optional;
import java.util.stream.Stream;

import io.connlistener.loop.EventLoop;

/**
 * Client-side helpers for tests: loopback addresses, blocking client sockets and the
 * kernel's view of a listening socket.
 */
final class Loopback {

	static final InetSocketAddress ANY_PORT = new InetSocketAddress(InetAddress.getLoopbackAddress(), 0);

	private Loopback() {
	}

	static Socket connect(SocketAddress address) {
		try {
			Socket socket = new Socket();
			socket.connect(address, 5000);
			socket.setSoTimeout(10_000);
			return socket;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Close a channel, ignoring a failure: a test cleaning up after a peer that is gone.
	 * @param channel the channel
	 */
	static void closeQuietly(java.nio.channels.Channel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Gone already.
		}
	}

	/**
	 * Close every client and accepted channel of a test, each group in turn, and the
	 * listener and loop after them, as an {@code @AfterEach} does.
	 * @param clients client sockets
	 * @param accepted channels the listener accepted
	 * @param listener the listener, or {@code null} if the test bound none
	 * @param loop the loop
	 * @throws IOException if a socket cannot be closed
	 */
	static void closeAll(Iterable<? extends Closeable> clients, Iterable<? extends Closeable> accepted,
			ConnListener listener, EventLoop loop) throws IOException {
		for (Closeable client : clients) {
			client.close();
		}
		for (Closeable channel : accepted) {
			channel.close();
		}
		if (listener != null) {
			listener.close();
		}
		loop.close();
	}

	static int port(ConnListener listener) {
		return ((InetSocketAddress) listener.localAddress()).getPort();
	}

	static long openFileDescriptors() {
		try (Stream<Path> fds = Files.list(Path.of("/proc/self/fd"))) {
			return fds.count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	/**
	 * Return the kernel's listen queue of a LISTEN socket on the port, from
	 * {@code /proc/net/tcp} (IPv4) or {@code /proc/net/tcp6}: rx_queue is the number of
	 * connections waiting, tx_queue the queue's limit.
	 */
	static Optional<long[]> listenQueue(int port) {
		return listening(port).flatMap((socket) -> {
			String[] queues = socket.fields()[4].split(":");
			long limit = Long.parseLong(queues[0], 16);
			// A listening socket always has a limit; 0 means this kernel does not report it.
			return (limit > 0) ? Optional.of(new long[] { Long.parseLong(queues[1], 16), limit }) : Optional.empty();
		});
	}

	/**
	 * Return the kernel table that holds the LISTEN socket on the port: {@code tcp} for an
	 * IPv4 socket, {@code tcp6} for an IPv6 one (dual-stack sockets included).
	 */
	static Optional<String> listenTable(int port) {
		return listening(port).map(ListeningSocket::table);
	}

	private static Optional<ListeningSocket> listening(int port) {
		for (String table : new String[] { "tcp", "tcp6" }) {
			try {
				for (String line : Files.readAllLines(Path.of("/proc/net", table))) {
					String[] fields = line.trim().split("\\s+");
					if (fields.length < 5 || !fields[3].equals("0A")) {
						continue;
					}
					String local = fields[1];
					if (Integer.parseInt(local.substring(local.indexOf(':') + 1), 16) == port) {
						return Optional.of(new ListeningSocket(table, fields));
					}
				}
			}
			catch (IOException | RuntimeException ex) {
				// Not Linux, or the table is unreadable: no kernel view.
			}
		}
		return Optional.empty();
	}

	private record ListeningSocket(String table, String[] fields) {
	}

}
