package io.connlistener;

import java.io.IOException;
import java.util.Locale;

/**
 * Why an accept failed, read from the JDK's message text (the C library's {@code strerror}),
 * since the JDK does not expose {@code errno}. A small fixed set, so it is safe as a meter tag.
 */
public enum AcceptErrorReason {

	/**
	 * The process is out of file descriptors ({@code EMFILE}).
	 */
	TOO_MANY_OPEN_FILES("too-many-open-files", true),

	/**
	 * The system is out of file descriptors ({@code ENFILE}).
	 */
	SYSTEM_FILE_LIMIT("system-file-limit", true),

	/**
	 * The kernel is out of socket buffers or memory ({@code ENOBUFS}, {@code ENOMEM}).
	 */
	NO_BUFFER_SPACE("no-buffer-space", true),

	/**
	 * The connection failed before it could be accepted: reset, aborted, refused by a
	 * firewall rule or a protocol error. Only that connection is lost; accepting goes on.
	 */
	CONNECTION_ABORTED("connection-aborted", false),

	/**
	 * Anything else: treated as a resource failure, so accepting pauses.
	 */
	UNKNOWN("unknown", true);

	private final String tag;

	private final boolean resourceFailure;

	AcceptErrorReason(String tag, boolean resourceFailure) {
		this.tag = tag;
		this.resourceFailure = resourceFailure;
	}

	/**
	 * Return the reason as a kebab-case tag value, e.g. {@code too-many-open-files}.
	 * @return the tag value
	 */
	public String tag() {
		return this.tag;
	}

	/**
	 * Return whether this failure concerns the process or system rather than one connection,
	 * so that accepting pauses for a backoff instead of retrying at once.
	 * @return {@code true} for a resource failure
	 */
	public boolean isResourceFailure() {
		return this.resourceFailure;
	}

	/**
	 * Classify an accept failure.
	 * @param error what {@code accept()} threw
	 * @return the reason, {@link #UNKNOWN} when the message says nothing known
	 */
	public static AcceptErrorReason of(IOException error) {
		String message = (error.getMessage() != null) ? error.getMessage().toLowerCase(Locale.ROOT) : "";
		if (message.contains("too many open files in system")) {
			return SYSTEM_FILE_LIMIT;
		}
		if (message.contains("too many open files")) {
			return TOO_MANY_OPEN_FILES;
		}
		if (message.contains("no buffer space") || message.contains("cannot allocate memory")) {
			return NO_BUFFER_SPACE;
		}
		if (message.contains("connection reset") || message.contains("connection abort")
				|| message.contains("software caused connection abort") || message.contains("protocol error")
				|| message.contains("operation not permitted")) {
			return CONNECTION_ABORTED;
		}
		return UNKNOWN;
	}

}
