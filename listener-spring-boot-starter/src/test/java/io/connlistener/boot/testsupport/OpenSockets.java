package io.connlistener.boot.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.stream.Stream;

/**
 * Counts the sockets this JVM holds open, from {@code /proc/self/fd} (Linux): unlike a count
 * of every descriptor, it does not move when a jar is opened lazily.
 */
public final class OpenSockets {

	private OpenSockets() {
	}

	public static long count() {
		try (Stream<Path> descriptors = Files.list(Path.of("/proc/self/fd"))) {
			return descriptors.filter(OpenSockets::isSocket).count();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	private static boolean isSocket(Path descriptor) {
		try {
			return Files.readSymbolicLink(descriptor).toString().startsWith("socket:");
		}
		catch (IOException ex) {
			// Closed while listed.
			return false;
		}
	}

}
