package io.connlistener.internal.accept;

import java.io.IOException;
import java.nio.channels.FileChannel;
import java.nio.file.Path;
import java.nio.file.StandardOpenOption;

/**
 * One file descriptor a listener holds in reserve (an open {@code /dev/null}), released when
 * accept fails because the process is out of descriptors, so that the pending connections
 * can be accepted and closed at once instead of hanging in the listen queue, and then taken
 * again: the trick libuv and libev use. Used on the loop thread; {@link #isHeld()} may be
 * read from any thread.
 */
final class SpareFileDescriptor {

	private static final Path DEV_NULL = Path.of("/dev/null");

	static {
		// Load the classes that open and close a file channel now, while descriptors are
		// free: loading a class may itself need one.
		try {
			FileChannel.open(DEV_NULL, StandardOpenOption.READ).close();
		}
		catch (IOException | RuntimeException ex) {
			// No /dev/null: reserve() fails and the listener goes without a spare.
		}
	}

	private volatile FileChannel reserve;

	/**
	 * Take the spare descriptor unless it is held; return whether it is held now.
	 */
	boolean reserve() {
		if (this.reserve == null) {
			try {
				this.reserve = FileChannel.open(DEV_NULL, StandardOpenOption.READ);
			}
			catch (IOException | RuntimeException ex) {
				// Still out of descriptors, or no /dev/null here: try again later.
				return false;
			}
		}
		return true;
	}

	/**
	 * Close the spare descriptor; return whether one was held.
	 */
	boolean release() {
		FileChannel reserve = this.reserve;
		if (reserve == null) {
			return false;
		}
		this.reserve = null;
		AcceptPipeline.closeQuietly(reserve);
		return true;
	}

	boolean isHeld() {
		return this.reserve != null;
	}

}
