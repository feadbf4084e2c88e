package io.connlistener.benchmarks.peers;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.SocketAddress;

/**
 * What every echo peer shares with the harness: the {@code READY <port>} line it prints once
 * it listens on loopback, and the rule that it lives exactly as long as its standard input
 * stays open, so that a harness that dies takes its peers with it.
 */
public final class PeerSupport {

	/** Prefix of the line a peer prints once it accepts connections. */
	public static final String READY = "READY";

	/** Address every peer binds: loopback only, a port the kernel picks. */
	public static final InetSocketAddress LOOPBACK = new InetSocketAddress("127.0.0.1", 0);

	/** Backlog every peer asks for, so that the idle scenario's bursts of connects fit. */
	public static final int BACKLOG = 4096;

	/**
	 * System property that tells a peer how many I/O loops to serve connections on (the
	 * harness's {@code --io-threads}); one if absent.
	 */
	public static final String IO_THREADS = "connlistener.benchmark.io-threads";

	private PeerSupport() {
	}

	/**
	 * Announce the bound port on standard output.
	 * @param address the address the peer listens on
	 */
	public static void ready(SocketAddress address) {
		System.out.println(READY + " " + ((InetSocketAddress) address).getPort());
		System.out.flush();
	}

	/**
	 * Return how many I/O loops this peer serves connections on.
	 * @return the {@value #IO_THREADS} system property, or 1
	 */
	public static int ioThreads() {
		return Math.max(1, Integer.getInteger(IO_THREADS, 1));
	}

	/**
	 * Block until standard input reaches end of stream or reads a line {@code STOP}.
	 */
	public static void awaitStop() {
		InputStream in = System.in;
		StringBuilder line = new StringBuilder();
		try {
			int b;
			while ((b = in.read()) != -1) {
				if (b == '\n') {
					if ("STOP".contentEquals(line)) {
						return;
					}
					line.setLength(0);
				}
				else if (line.length() < 64) {
					line.append((char) b);
				}
			}
		}
		catch (IOException ex) {
			// The harness is gone: stop as on end of stream.
		}
	}

}
