package io.connlistener.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.List;
import java.util.Random;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Helpers for the child processes tests start: their output, and free loopback ports to
 * give them.
 */
public final class ChildProcesses {

	private static final Random random = new Random();

	private ChildProcesses() {
	}

	/**
	 * Keep every line the process writes, read on a daemon thread until it ends.
	 * @param process a process whose error stream is redirected to its output
	 * @param threadName name of the reading thread
	 * @return the lines so far, growing as the process writes
	 */
	public static List<String> captureOutput(Process process, String threadName) {
		List<String> output = new CopyOnWriteArrayList<>();
		Thread reader = new Thread(() -> {
			try (BufferedReader lines = new BufferedReader(
					new InputStreamReader(process.getInputStream(), StandardCharsets.UTF_8))) {
				String line;
				while ((line = lines.readLine()) != null) {
					output.add(line);
				}
			}
			catch (IOException ex) {
				// The process ended.
			}
		}, threadName);
		reader.setDaemon(true);
		reader.start();
		return output;
	}

	/**
	 * Return a loopback port for a child process to bind, free a moment ago and below the
	 * kernel's ephemeral range: a port from that range may be taken in between as the local
	 * port of any connection or {@code bind(0)} on the machine, this build's or another's,
	 * while one below it is only ever taken by a bind that names it.
	 * @return the port
	 */
	public static int freePort() {
		int below = ephemeralRangeStart();
		for (int attempt = 0; attempt < 100; attempt++) {
			int port = 10_000 + random.nextInt(Math.max(1, below - 10_000));
			try (ServerSocket socket = new ServerSocket()) {
				socket.setReuseAddress(false);
				socket.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), port), 1);
				return port;
			}
			catch (IOException ex) {
				// Taken: try another.
			}
		}
		throw new IllegalStateException("No free loopback port below " + below + " in 100 attempts");
	}

	private static int ephemeralRangeStart() {
		try {
			// Line by line: Files.readString trusts the size procfs reports, and reads one byte.
			String range = Files.readAllLines(Path.of("/proc/sys/net/ipv4/ip_local_port_range")).get(0).trim();
			return Integer.parseInt(range.split("\\s+")[0]);
		}
		catch (IOException | RuntimeException ex) {
			// Linux's default range starts at 32768; elsewhere, assume the same.
			return 32_768;
		}
	}

}
