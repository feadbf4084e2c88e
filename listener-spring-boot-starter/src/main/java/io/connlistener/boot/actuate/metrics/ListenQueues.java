package io.connlistener.boot.actuate.metrics;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.UnknownHostException;
import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.OptionalLong;
import java.util.function.LongSupplier;

/**
 * The kernel's accept queues of listening TCP sockets, from {@code /proc/net/tcp} and
 * {@code /proc/net/tcp6}, where the {@code rx_queue} of a LISTEN socket is the number of
 * connections waiting to be accepted. One read of the tables serves every question for
 * {@link #MAX_AGE}, so that a scrape reads each table once however many listeners and
 * gauges it reports. A socket is matched by address and port; the queues of several
 * sockets on one address (a listener's {@code SO_REUSEPORT} acceptors) are summed.
 * <p>
 * The tables do not show a queue's length limit (their {@code tx_queue} of a listening
 * socket is always 0: only netlink's {@code inet_diag}, which {@code ss -lnt} reads, has
 * it), so {@link #limit(int)} states the kernel's rule instead: the backlog asked for, at
 * most {@code somaxconn}.
 * <p>
 * Safe to use from any thread.
 */
final class ListenQueues {

	/** How long one read of the tables answers for. */
	static final Duration MAX_AGE = Duration.ofSeconds(1);

	private static final List<Path> TABLES = List.of(Path.of("/proc/net/tcp"), Path.of("/proc/net/tcp6"));

	private static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");

	private static final String LISTEN = "0A";

	private final List<Path> tables;

	private final Path somaxconn;

	private final LongSupplier nanoTime;

	private final long maxAgeNanos;

	private Map<InetSocketAddress, Long> queued;

	private long readAt;

	ListenQueues() {
		this(TABLES, SOMAXCONN, System::nanoTime, MAX_AGE);
	}

	ListenQueues(List<Path> tables, Path somaxconn, LongSupplier nanoTime, Duration maxAge) {
		this.tables = tables;
		this.somaxconn = somaxconn;
		this.nanoTime = nanoTime;
		this.maxAgeNanos = maxAge.toNanos();
	}

	/**
	 * Return the connections waiting to be accepted by the listening sockets bound to the
	 * given address, summed.
	 * @param address a bound listening address
	 * @return the count, or empty where the tables are missing (not Linux) or show no
	 * listening socket on that address
	 */
	OptionalLong queued(InetSocketAddress address) {
		Long count = current().get(normalize(address));
		return (count != null) ? OptionalLong.of(count) : OptionalLong.empty();
	}

	/**
	 * Return the accept queue's length limit of one socket that listens with the given
	 * backlog, as the kernel sets it: the backlog, at most {@code somaxconn}; a negative
	 * backlog asks for {@code somaxconn}.
	 * @param backlog the backlog passed to {@code listen}
	 * @return the limit, or empty where {@code somaxconn} cannot be read
	 */
	OptionalLong limit(int backlog) {
		String text = readFully(this.somaxconn);
		if (text == null) {
			return OptionalLong.empty();
		}
		try {
			long max = Long.parseLong(text.strip());
			return OptionalLong.of((backlog < 0) ? max : Math.min(backlog, max));
		}
		catch (NumberFormatException ex) {
			return OptionalLong.empty();
		}
	}

	private synchronized Map<InetSocketAddress, Long> current() {
		long now = this.nanoTime.getAsLong();
		if (this.queued == null || now - this.readAt >= this.maxAgeNanos) {
			this.queued = read();
			this.readAt = now;
		}
		return this.queued;
	}

	private Map<InetSocketAddress, Long> read() {
		Map<InetSocketAddress, Long> queued = new HashMap<>();
		for (Path table : this.tables) {
			String text = readFully(table);
			if (text != null) {
				parse(text, queued);
			}
		}
		return queued;
	}

	/**
	 * Add the accept queue of every LISTEN line of a table, a line being
	 * {@code sl local_address rem_address st tx_queue:rx_queue ...}.
	 */
	private static void parse(String table, Map<InetSocketAddress, Long> queued) {
		int lineStart = table.indexOf('\n') + 1; // past the header
		while (lineStart > 0 && lineStart < table.length()) {
			int lineEnd = table.indexOf('\n', lineStart);
			if (lineEnd < 0) {
				lineEnd = table.length();
			}
			String[] fields = fields(table, lineStart, lineEnd, 5);
			if (fields != null && LISTEN.equals(fields[3])) {
				InetSocketAddress local = address(fields[1]);
				int colon = fields[4].indexOf(':');
				if (local != null && colon > 0) {
					long count = Long.parseLong(fields[4], colon + 1, fields[4].length(), 16);
					queued.merge(local, count, Long::sum);
				}
			}
			lineStart = lineEnd + 1;
		}
	}

	/**
	 * Return the first fields of a line, split on spaces, or {@code null} if it has fewer.
	 */
	private static String[] fields(String text, int start, int end, int count) {
		String[] fields = new String[count];
		int found = 0;
		int i = start;
		while (found < count) {
			while (i < end && text.charAt(i) == ' ') {
				i++;
			}
			int fieldStart = i;
			while (i < end && text.charAt(i) != ' ') {
				i++;
			}
			if (fieldStart == i) {
				return null;
			}
			fields[found++] = text.substring(fieldStart, i);
		}
		return fields;
	}

	/**
	 * Decode {@code ADDRESS:PORT}: the address as the kernel's 32-bit words, each printed
	 * in the host's byte order, the port in hex.
	 */
	private static InetSocketAddress address(String field) {
		int colon = field.indexOf(':');
		int hexDigits = colon;
		if (hexDigits != 8 && hexDigits != 32) {
			return null;
		}
		byte[] bytes = new byte[hexDigits / 2];
		boolean littleEndian = ByteOrder.nativeOrder() == ByteOrder.LITTLE_ENDIAN;
		for (int word = 0; word < bytes.length / 4; word++) {
			long value = Long.parseLong(field, word * 8, word * 8 + 8, 16);
			for (int b = 0; b < 4; b++) {
				int shift = littleEndian ? 8 * b : 8 * (3 - b);
				bytes[word * 4 + b] = (byte) (value >>> shift);
			}
		}
		try {
			// An IPv4-mapped IPv6 address comes back as the IPv4 address.
			InetAddress address = InetAddress.getByAddress(bytes);
			return normalize(new InetSocketAddress(address, Integer.parseInt(field, colon + 1, field.length(), 16)));
		}
		catch (UnknownHostException | NumberFormatException ex) {
			return null;
		}
	}

	/**
	 * Return the address as a key: every wildcard is one, as the JDK binds 0.0.0.0 on a
	 * dual-stack socket as {@code ::}.
	 */
	private static InetSocketAddress normalize(InetSocketAddress address) {
		InetAddress host = address.getAddress();
		if (host == null || host.isAnyLocalAddress()) {
			return new InetSocketAddress(address.getPort());
		}
		return address;
	}

	private static String readFully(Path file) {
		// Read to end of stream: /proc files report sizes that cut Files.readString short.
		try (InputStream in = Files.newInputStream(file)) {
			return new String(in.readAllBytes(), StandardCharsets.US_ASCII);
		}
		catch (IOException | RuntimeException ex) {
			return null;
		}
	}

}
