package io.connlistener.boot.testsupport;

import java.lang.System.Logger.Level;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.classic.spi.ThrowableProxy;
import ch.qos.logback.core.AppenderBase;
import io.connlistener.testsupport.LogCapture;

/**
 * The Logback appender of {@code logback-test.xml} that hands every event to the
 * {@link LogCapture captures} of the tests running. Declared in the configuration rather
 * than added to a logger, because Spring Boot resets Logback and reloads that file whenever
 * a test runs a {@code SpringApplication}.
 * <p>
 * Loggers log on any thread: the captures are a copy-on-write list.
 */
public final class CapturingAppender extends AppenderBase<ILoggingEvent> {

	private static final List<LogCapture> captures = new CopyOnWriteArrayList<>();

	private static final LogCapture.Source source = new LogCapture.Source() {

		@Override
		public void attach(LogCapture capture) {
			captures.add(capture);
		}

		@Override
		public void detach(LogCapture capture) {
			captures.remove(capture);
		}

	};

	/**
	 * Create a capture of what is logged through Logback, with {@code java.util.logging}
	 * bridged into it: register it with {@code @RegisterExtension}.
	 * @return the capture
	 */
	public static LogCapture capture() {
		return new LogCapture(source);
	}

	@Override
	protected void append(ILoggingEvent event) {
		if (captures.isEmpty()) {
			return;
		}
		Throwable thrown = (event.getThrowableProxy() instanceof ThrowableProxy proxy) ? proxy.getThrowable() : null;
		LogCapture.Entry entry = new LogCapture.Entry(level(event.getLevel()), event.getLoggerName(),
				event.getFormattedMessage(), thrown);
		for (LogCapture capture : captures) {
			capture.add(entry);
		}
	}

	private static Level level(ch.qos.logback.classic.Level level) {
		return switch (level.toInt()) {
			case ch.qos.logback.classic.Level.ERROR_INT -> Level.ERROR;
			case ch.qos.logback.classic.Level.WARN_INT -> Level.WARNING;
			case ch.qos.logback.classic.Level.INFO_INT -> Level.INFO;
			case ch.qos.logback.classic.Level.DEBUG_INT -> Level.DEBUG;
			default -> Level.TRACE;
		};
	}

}
