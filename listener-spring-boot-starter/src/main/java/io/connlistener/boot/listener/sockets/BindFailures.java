package io.connlistener.boot.listener.sockets;

import java.io.IOException;
import java.net.BindException;
import java.util.Locale;

import io.connlistener.boot.listener.ListenerBindException;
import io.connlistener.boot.listener.ListenerBindException.Reason;

/**
 * Tells why binding a listener's address failed, once, where it fails, so that failure
 * analysis goes by the {@link ListenerBindException#getReason() reason} and never by the
 * text of an exception.
 */
public final class BindFailures {

	private BindFailures() {
	}

	/**
	 * Return why binding failed.
	 * @param failure what binding threw
	 * @return the reason, {@link Reason#OTHER} if it is none of the known ones
	 */
	public static Reason reason(IOException failure) {
		if (failure instanceof UnixSocketFile.AnsweredException) {
			return Reason.SOCKET_FILE_ANSWERED;
		}
		if (!(failure instanceof BindException)) {
			return Reason.OTHER;
		}
		// The JDK throws a BindException for EADDRINUSE, EADDRNOTAVAIL and EACCES alike and
		// tells them apart only by their text (strerror on Unix, the WSA text on Windows):
		// this is the one place that reads it.
		String message = String.valueOf(failure.getMessage()).toLowerCase(Locale.ROOT);
		if (message.contains("already in use")) {
			return Reason.ADDRESS_IN_USE;
		}
		if (message.contains("assign requested address") || message.contains("address not available")) {
			return Reason.ADDRESS_NOT_AVAILABLE;
		}
		if (message.contains("permission denied") || message.contains("access denied")) {
			return Reason.PERMISSION_DENIED;
		}
		return Reason.OTHER;
	}

}
