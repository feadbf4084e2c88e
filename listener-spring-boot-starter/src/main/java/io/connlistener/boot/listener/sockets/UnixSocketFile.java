package io.connlistener.boot.listener.sockets;

import java.io.IOException;
import java.net.BindException;
import java.net.ConnectException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.file.Files;
import java.nio.file.LinkOption;
import java.nio.file.Path;
import java.nio.file.attribute.BasicFileAttributes;
import java.nio.file.attribute.PosixFilePermission;
import java.util.Set;

import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The file of a Unix domain socket that a listener binds: a stale file left by a process
 * that died is removed before binding, but only once a connect shows that nothing answers
 * on it; permissions are set after binding; and on stop the file is deleted only if it is
 * still the one this listener created.
 */
final class UnixSocketFile {

	private static final Log logger = LogFactory.getLog(UnixSocketFile.class);

	/** {@code S_IFMT} and {@code S_IFSOCK} of {@code st_mode}. */
	private static final int TYPE_MASK = 0170000;

	private static final int SOCKET_TYPE = 0140000;

	private UnixSocketFile() {
	}

	/**
	 * Delete the file at the address if it is a socket that nobody answers on.
	 * @throws AnsweredException if a process answers on it
	 */
	static void clearStale(UnixDomainSocketAddress address) throws AnsweredException {
		Path path = address.getPath();
		if (!Files.exists(path, LinkOption.NOFOLLOW_LINKS) || !isSocket(path)) {
			// Binding fails on anything but a socket, and says so: never delete such a file.
			return;
		}
		try (SocketChannel probe = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			probe.configureBlocking(false);
			probe.connect(address);
		}
		catch (ConnectException ex) {
			// Connection refused: a socket file that no process listens on any more.
			try {
				Files.deleteIfExists(path);
				logger.info("Deleted stale Unix domain socket file " + path + ": nothing answered on it");
			}
			catch (IOException deleteFailure) {
				logger.debug("Could not delete stale socket file " + path, deleteFailure);
			}
			return;
		}
		catch (IOException ex) {
			// Busy (full queue) or not ours to probe: leave it, as something may be serving.
		}
		throw new AnsweredException(path);
	}

	private static boolean isSocket(Path path) {
		try {
			Object mode = Files.getAttribute(path, "unix:mode", LinkOption.NOFOLLOW_LINKS);
			return (mode instanceof Integer bits) && (bits & TYPE_MASK) == SOCKET_TYPE;
		}
		catch (IOException | UnsupportedOperationException | IllegalArgumentException ex) {
			return false;
		}
	}

	static void setPermissions(Path path, Set<PosixFilePermission> permissions) throws IOException {
		Files.setPosixFilePermissions(path, permissions);
	}

	/**
	 * Return what identifies the file (device and inode), or {@code null}.
	 */
	static Object fileKey(Path path) {
		try {
			return Files.readAttributes(path, BasicFileAttributes.class, LinkOption.NOFOLLOW_LINKS).fileKey();
		}
		catch (IOException ex) {
			return null;
		}
	}

	/**
	 * Delete the file if it is still the one with the given key: another process may have
	 * bound the path since.
	 */
	static void deleteIfSame(Path path, Object fileKey) {
		try {
			Object current = fileKey(path);
			if (current != null && (fileKey == null || fileKey.equals(current))) {
				Files.deleteIfExists(path);
			}
		}
		catch (IOException ex) {
			logger.debug("Could not delete " + path, ex);
		}
	}

	/**
	 * Thrown when another process answers on the socket file, so that it is left alone.
	 */
	static final class AnsweredException extends BindException {

		AnsweredException(Path path) {
			super("Address already in use: another process answers on " + path);
		}

	}

}
