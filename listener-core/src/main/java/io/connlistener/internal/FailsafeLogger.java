package io.connlistener.internal;

import java.lang.System.Logger.Level;
import java.time.ZoneId;
import java.util.TimeZone;
import java.util.function.Supplier;

/**
 * A {@link System.Logger} that never throws, for code on an event loop. Logging can fail
 * exactly when a listener must keep going: out of file descriptors, a log formatter cannot
 * open the time zone database, and the error it throws would otherwise end the loop.
 * <p>
 * Safe to use from any thread.
 */
public final class FailsafeLogger {

	static {
		// Log formatters read the time zone database on first use: read it while files can be opened.
		TimeZone.getDefault().getRawOffset();
		ZoneId.systemDefault().getRules();
	}

	private final System.Logger logger;

	private FailsafeLogger(System.Logger logger) {
		this.logger = logger;
		// Make the logging backend read its configuration now, while files can be opened.
		logger.isLoggable(Level.ERROR);
	}

	/**
	 * Return a logger named after a class.
	 * @param type the class
	 * @return the logger
	 */
	public static FailsafeLogger of(Class<?> type) {
		return new FailsafeLogger(System.getLogger(type.getName()));
	}

	/**
	 * Log a message built only if the level is enabled.
	 * @param level the level
	 * @param message builds the message
	 */
	public void log(Level level, Supplier<String> message) {
		try {
			this.logger.log(level, message);
		}
		catch (Throwable ex) {
			// Nothing can be reported when reporting itself fails.
		}
	}

	/**
	 * Log a message and a failure.
	 * @param level the level
	 * @param message the message
	 * @param failure the failure
	 */
	public void log(Level level, String message, Throwable failure) {
		try {
			this.logger.log(level, message, failure);
		}
		catch (Throwable ex) {
			// Nothing can be reported when reporting itself fails.
		}
	}

}
