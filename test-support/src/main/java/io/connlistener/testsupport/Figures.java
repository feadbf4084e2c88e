package io.connlistener.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;
import java.time.Instant;

/**
 * Where fault and load tests put the figures they measure: one line per measurement in
 * {@code target/figures.txt} of the module, which {@code docs/RELIABILITY.md} quotes, so that
 * a green build prints nothing but Maven's own lines.
 */
public final class Figures {

	private static final Path FILE = Path.of("target", "figures.txt");

	private Figures() {
	}

	/**
	 * Append one line, prefixed with the time and the measurement's name.
	 * @param name the measurement, as {@code docs/RELIABILITY.md} names it ({@code flood}, ...)
	 * @param format a {@link String#format} pattern
	 * @param args its arguments
	 */
	public static synchronized void record(String name, String format, Object... args) {
		String line = Instant.now() + " " + name + ": " + String.format(format, args).strip() + System.lineSeparator();
		try {
			Files.createDirectories(FILE.getParent());
			Files.writeString(FILE, line, StandardCharsets.UTF_8, StandardOpenOption.CREATE, StandardOpenOption.APPEND);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not record figures in " + FILE.toAbsolutePath(), ex);
		}
	}

}
