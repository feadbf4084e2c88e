package io.connlistener.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;

/**
 * The short-lived commands the harness runs to completion before it measures (the JDK's
 * {@code keytool}, the extraction of a Spring Boot jar, a CDS training start), and the
 * temporary folders they write into.
 * <p>
 * Thread-safe: it keeps nothing.
 */
final class ToolProcess {

	private static final int OUTPUT_LINES_SHOWN = 20;

	private ToolProcess() {
	}

	/**
	 * Run a command to its end, its output (standard error too) written to a file.
	 * @param what what the command does, for messages, such as {@code keytool}
	 * @param command the command
	 * @param output the file the output goes to
	 * @param timeout how long it may take; it is killed then
	 * @throws IOException if it cannot start, takes too long or exits with a status other
	 * than 0; the message holds the end of its output
	 * @throws InterruptedException if interrupted while it runs; it is killed
	 */
	static void run(String what, List<String> command, Path output, Duration timeout)
			throws IOException, InterruptedException {
		Process process = new ProcessBuilder(command).redirectErrorStream(true).redirectOutput(output.toFile()).start();
		try {
			if (!process.waitFor(timeout.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new IOException(what + " took longer than " + timeout.toSeconds() + " s; its output:\n"
						+ tail(output));
			}
		}
		finally {
			process.destroyForcibly();
		}
		if (process.exitValue() != 0) {
			throw new IOException(what + " exited with " + process.exitValue() + "; its output:\n" + tail(output));
		}
	}

	/**
	 * Return the last lines of a command's output.
	 * @param output the file its output went to
	 * @return the last lines, or a note that there are none
	 * @throws IOException if the file cannot be read
	 */
	static String tail(Path output) throws IOException {
		List<String> lines = new String(Files.readAllBytes(output), StandardCharsets.UTF_8).lines().toList();
		return lines.isEmpty() ? "(none)"
				: String.join("\n", lines.subList(Math.max(0, lines.size() - OUTPUT_LINES_SHOWN), lines.size()));
	}

	/**
	 * Delete a folder and everything in it, as far as it can.
	 * @param folder the folder
	 */
	static void deleteTree(Path folder) {
		try (Stream<Path> files = Files.walk(folder)) {
			for (Path file : files.sorted(Comparator.reverseOrder()).toList()) {
				Files.deleteIfExists(file);
			}
		}
		catch (IOException ex) {
			// A temporary folder left behind is harmless.
		}
	}

}
