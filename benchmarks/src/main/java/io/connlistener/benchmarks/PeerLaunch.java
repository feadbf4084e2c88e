package io.connlistener.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.connlistener.benchmarks.peers.PeerSupport;

/**
 * How the harness starts a peer: its {@link PeerDefinition#command command} with the run's
 * JVM flags and, if {@code --io-threads} is set, that many I/O loops (the system property
 * {@value PeerSupport#IO_THREADS} for a main class of this module, which the JDK peer
 * ignores, and {@code --conn-listener.io-threads} in place of the jar's own for an
 * application jar), behind the run's {@link CpuPinning}.
 * <p>
 * Immutable.
 */
final class PeerLaunch {

	private static final String IO_THREADS_PROPERTY = "--conn-listener.io-threads=";

	private final List<String> jvmFlags;

	private final int ioThreads;

	private final CpuPinning pinning;

	/**
	 * Create the launch of a run.
	 * @param jvmFlags flags every peer gets
	 * @param ioThreads the I/O loops, 0 for each peer's own
	 * @param pinning the pinning of the peers
	 */
	PeerLaunch(List<String> jvmFlags, int ioThreads, CpuPinning pinning) {
		this.jvmFlags = List.copyOf(jvmFlags);
		this.ioThreads = ioThreads;
		this.pinning = pinning;
	}

	/**
	 * Return the command that starts a peer.
	 * @param peer the peer
	 * @param java the {@code java} executable
	 * @param classPath the harness's class path, for main classes
	 * @param tlsFolder the run's TLS folder, for a TLS peer
	 * @param ownIoThreads whether the peer keeps its own I/O loops whatever the run says, as
	 * the values of a sweep do
	 * @return the command
	 */
	List<String> command(PeerDefinition peer, String java, String classPath, Path tlsFolder, boolean ownIoThreads) {
		if (this.ioThreads == 0 || ownIoThreads) {
			return this.pinning.pin(peer.command(java, this.jvmFlags, classPath, tlsFolder));
		}
		List<String> flags = new ArrayList<>(this.jvmFlags);
		if (!peer.application()) {
			flags.add("-D" + PeerSupport.IO_THREADS + "=" + this.ioThreads);
		}
		return this.pinning.pin(withIoThreads(peer.command(java, flags, classPath, tlsFolder), peer.application(),
				this.ioThreads));
	}

	/**
	 * Set an application jar's {@code conn-listener.io-threads} in its command: replaced
	 * where given (a property given twice would bind as a list), added otherwise.
	 * @param command the command
	 * @param application whether the command runs an application jar
	 * @param ioThreads the loops
	 * @return the command
	 */
	static List<String> withIoThreads(List<String> command, boolean application, int ioThreads) {
		if (!application) {
			return command;
		}
		List<String> changed = new ArrayList<>(command.size() + 1);
		boolean given = false;
		for (String arg : command) {
			boolean property = arg.startsWith(IO_THREADS_PROPERTY);
			changed.add(property ? IO_THREADS_PROPERTY + ioThreads : arg);
			given |= property;
		}
		if (!given) {
			changed.add(IO_THREADS_PROPERTY + ioThreads);
		}
		return changed;
	}

	/**
	 * Return the pinning of the peers.
	 * @return the pinning
	 */
	CpuPinning pinning() {
		return this.pinning;
	}

}
