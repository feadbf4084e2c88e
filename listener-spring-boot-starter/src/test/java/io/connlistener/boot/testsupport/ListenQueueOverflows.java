package io.connlistener.boot.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;

/**
 * Reads how many connections the kernel has dropped because a listen queue was full
 * ({@code ListenOverflows} in {@code /proc/net/netstat}, Linux). Such a connection looks
 * established to its client, whose final handshake ACK the kernel ignored, but no server can
 * ever accept it. The counter is the whole network namespace's.
 */
public final class ListenQueueOverflows {

	private static final Path NETSTAT = Path.of("/proc/net/netstat");

	private static final String COUNTER = "ListenOverflows";

	private ListenQueueOverflows() {
	}

	/**
	 * Return the counter.
	 * @return the overflows so far, or 0 where the kernel does not report them
	 */
	public static long count() {
		if (!Files.isReadable(NETSTAT)) {
			return 0;
		}
		try {
			List<String> lines = Files.readAllLines(NETSTAT);
			for (int i = 0; i + 1 < lines.size(); i += 2) {
				String[] names = lines.get(i).split("\\s+");
				String[] values = lines.get(i + 1).split("\\s+");
				for (int j = 1; j < names.length && j < values.length; j++) {
					if (names[0].equals("TcpExt:") && names[j].equals(COUNTER)) {
						return Long.parseLong(values[j]);
					}
				}
			}
			return 0;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
