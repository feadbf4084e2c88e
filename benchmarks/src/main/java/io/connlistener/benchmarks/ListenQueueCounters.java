package io.connlistener.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.HashMap;
import java.util.Map;

/**
 * The kernel's listen queue counters of the {@code TcpExt} lines of {@code /proc/net/netstat}
 * (Linux): {@code ListenOverflows}, connects whose handshake completed while the accept queue
 * was full, and {@code ListenDrops}, every connect dropped at a listening socket, overflows
 * included. They count for the whole network namespace, every listening socket alike: a
 * difference measures one peer only while nothing else floods a listener.
 *
 * @param overflows {@code ListenOverflows}, or -1 if unknown
 * @param drops {@code ListenDrops}, or -1 if unknown
 */
public record ListenQueueCounters(long overflows, long drops) {

	private static final Path NETSTAT = Path.of("/proc/net/netstat");

	private static final String TCP_EXT = "TcpExt:";

	/** The counters when {@code /proc/net/netstat} cannot tell. */
	public static final ListenQueueCounters UNKNOWN = new ListenQueueCounters(-1, -1);

	/**
	 * Read the counters now.
	 * @return the counters, or {@link #UNKNOWN}
	 */
	public static ListenQueueCounters read() {
		try {
			return parse(Files.readString(NETSTAT));
		}
		catch (IOException ex) {
			return UNKNOWN;
		}
	}

	/**
	 * Parse the text of {@code /proc/net/netstat}: a line of {@code TcpExt:} names followed
	 * by a line of {@code TcpExt:} values.
	 * @param netstat the text
	 * @return the counters, with -1 for one not found
	 */
	public static ListenQueueCounters parse(String netstat) {
		String[] names = null;
		Map<String, Long> values = new HashMap<>();
		for (String line : netstat.split("\n")) {
			if (!line.startsWith(TCP_EXT)) {
				continue;
			}
			String[] fields = line.substring(TCP_EXT.length()).trim().split("\\s+");
			if (names == null) {
				names = fields;
				continue;
			}
			for (int i = 0; i < Math.min(names.length, fields.length); i++) {
				try {
					values.put(names[i], Long.parseLong(fields[i]));
				}
				catch (NumberFormatException ex) {
					// Not a value line after all: leave it out.
				}
			}
			break;
		}
		return new ListenQueueCounters(values.getOrDefault("ListenOverflows", -1L),
				values.getOrDefault("ListenDrops", -1L));
	}

	/**
	 * Return what these counters grew by since earlier ones.
	 * @param earlier the counters read before
	 * @return the differences, -1 where either is unknown
	 */
	public ListenQueueCounters since(ListenQueueCounters earlier) {
		return new ListenQueueCounters(difference(this.overflows, earlier.overflows),
				difference(this.drops, earlier.drops));
	}

	private static long difference(long later, long earlier) {
		return (later < 0 || earlier < 0) ? -1 : later - earlier;
	}

}
