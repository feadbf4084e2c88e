package io.connlistener.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.ConnectException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.ServerSocket;
import java.net.Socket;
import java.net.SocketTimeoutException;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.locks.LockSupport;

/**
 * Starts a {@link StartupPeer} once and measures what an autoscaler waits for: the time
 * from the spawn of its process to the first byte its echo listener sends back. Connects are
 * tried every {@value #POLL_MILLIS} ms from the spawn on (a refused connect on loopback
 * costs microseconds), so the figure is late by that much at most; a connect the kernel
 * takes before the application serves waits for its echo. The process is terminated
 * afterwards, gracefully if it will.
 * <p>
 * Thread-safe: each call has its own process.
 */
final class StartupRun {

	/** Pause between two connects that were refused. */
	static final int POLL_MILLIS = 2;

	private static final int MESSAGE = 64;

	private StartupRun() {
	}

	/**
	 * Start a peer once, wait for its first echoed byte, and stop it.
	 * @param peer the peer
	 * @param command makes the command line of the peer for a port
	 * @param timeout how long the start may take
	 * @return the measurement
	 * @throws IOException if the peer exited, failed to echo, or did not echo in time
	 * @throws InterruptedException if interrupted
	 */
	static StartupResult measure(StartupPeer peer, PortCommand command, Duration timeout)
			throws IOException, InterruptedException {
		int port = freePort();
		List<String> line = command.forPort(port);
		long spawn = System.nanoTime();
		long deadline = spawn + timeout.toNanos();
		try (PeerProcess process = PeerProcess.start(peer.name(), line, true)) {
			long echoed = awaitEcho(process, new InetSocketAddress("127.0.0.1", port), deadline);
			long cpu = process.cpuNanos();
			return new StartupResult((echoed - spawn) / 1e6, (cpu < 0) ? Double.NaN : cpu / 1e9);
		}
	}

	private static long awaitEcho(PeerProcess process, InetSocketAddress address, long deadline)
			throws IOException, InterruptedException {
		byte[] message = new byte[MESSAGE];
		while (true) {
			if (Thread.interrupted()) {
				throw new InterruptedException();
			}
			if (!process.isAlive()) {
				throw new IOException("Peer '" + process.name() + "' exited before it echoed; its last output:\n"
						+ process.outputTailAfterExit());
			}
			long left = deadline - System.nanoTime();
			if (left <= 0) {
				throw new IOException("Peer '" + process.name() + "' echoed nothing within the time bound; its last "
						+ "output:\n" + process.outputTail());
			}
			try (Socket socket = new Socket()) {
				socket.setSoLinger(true, 0);
				socket.connect(address, (int) Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(left))));
				socket.setSoTimeout((int) Math.max(1, Math.min(1000, TimeUnit.NANOSECONDS.toMillis(left))));
				OutputStream out = socket.getOutputStream();
				out.write(message);
				out.flush();
				InputStream in = socket.getInputStream();
				if (in.read() >= 0) {
					return System.nanoTime();
				}
			}
			catch (ConnectException ex) {
				// Not listening yet.
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
			}
			catch (SocketTimeoutException ex) {
				// Listening, not serving yet: connect again, in case the socket it went to is not the one that serves.
			}
			catch (IOException ex) {
				// Reset or closed while it starts: try again.
				LockSupport.parkNanos(TimeUnit.MILLISECONDS.toNanos(POLL_MILLIS));
			}
		}
	}

	private static int freePort() throws IOException {
		// Picked before the spawn, so that the poll can start at once; a process that takes it
		// meanwhile makes the peer fail to bind, which is reported.
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

	/**
	 * Makes the command line of a start for the port it is to listen on.
	 */
	@FunctionalInterface
	interface PortCommand {

		/**
		 * Return the command.
		 * @param port the echo port
		 * @return the command line
		 */
		List<String> forPort(int port);

	}

}
