package io.connlistener.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.UncheckedIOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.charset.StandardCharsets;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

/**
 * Helpers for the child processes tests start: their output, and free loopback ports to
 * give them.
 */
public final class ChildProcesses {

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
	 * Return a loopback port that was free a moment ago.
	 * @return the port
	 */
	public static int freePort() {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

}
