package io.connlistener.boot.actuate.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.OptionalLong;

/**
 * Reads the kernel's accept queue of a listening TCP socket from {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}: for a LISTEN socket, {@code rx_queue} is the number of
 * connections waiting to be accepted and {@code tx_queue} the queue's limit. Absent where
 * the tables are missing (not Linux) or do not report the limit (some sandboxed kernels
 * show 0, which a listening socket never has).
 */
final class ListenQueue {

	private static final Path[] TABLES = { Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6") };

	private static final String LISTEN = "0A";

	private ListenQueue() {
	}

	/**
	 * Return whether this kernel reports accept queues for the given listening address.
	 * @param address a bound listening address
	 * @return {@code true} if {@link #queued} and {@link #limit} have values
	 */
	static boolean isReported(SocketAddress address) {
		return limit(address).isPresent();
	}

	static OptionalLong queued(SocketAddress address) {
		long[] queue = read(address);
		return (queue != null) ? OptionalLong.of(queue[0]) : OptionalLong.empty();
	}

	static OptionalLong limit(SocketAddress address) {
		long[] queue = read(address);
		return (queue != null) ? OptionalLong.of(queue[1]) : OptionalLong.empty();
	}

	/**
	 * Return {queued, limit} for the LISTEN socket on the address's port, or {@code null}.
	 */
	private static long[] read(SocketAddress address) {
		if (!(address instanceof InetSocketAddress inet) || inet.getPort() == 0) {
			return null;
		}
		String port = String.format(":%04X", inet.getPort());
		for (Path table : TABLES) {
			String text = readFully(table);
			if (text == null) {
				continue;
			}
			for (String line : text.split("\n")) {
				String[] fields = line.trim().split("\\s+");
				if (fields.length > 4 && LISTEN.equals(fields[3]) && fields[1].endsWith(port)) {
					int colon = fields[4].indexOf(':');
					long limit = Long.parseLong(fields[4].substring(0, colon), 16);
					long queued = Long.parseLong(fields[4].substring(colon + 1), 16);
					return (limit > 0) ? new long[] { queued, limit } : null;
				}
			}
		}
		return null;
	}

	private static String readFully(Path table) {
		// Read to end of stream: /proc files report sizes that cut Files.readString short.
		try (InputStream in = Files.newInputStream(table)) {
			return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

}
