package io.connlistener.testsupport;

import java.lang.System.Logger.Level;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.logging.Handler;
import java.util.logging.LogRecord;
import java.util.logging.Logger;
import java.util.logging.SimpleFormatter;
import java.util.stream.Collectors;

import org.junit.jupiter.api.extension.AfterEachCallback;
import org.junit.jupiter.api.extension.BeforeEachCallback;
import org.junit.jupiter.api.extension.ExtensionContext;

/**
 * What is logged while each test runs, kept so that a test of a failure path asserts the
 * record it expects instead of printing it. Register it as a field with
 * {@code @RegisterExtension}: {@link #julLoggers(String)} captures {@code java.util.logging}
 * records, and so what core logs through {@link System.Logger}; another module feeds the
 * records of its own logging backend through a {@link Source}. Captured records still go on
 * to the configured output, the module's {@code target/test.log}.
 * <p>
 * Loggers log on loop threads: every method may be called from any thread.
 */
public final class LogCapture implements BeforeEachCallback, AfterEachCallback {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private static final Path TEST_LOG = Path.of("target", "test.log");

	private final Source source;

	private final List<Entry> entries = new ArrayList<>();

	/**
	 * Create a capture of the records a source delivers.
	 * @param source where the records come from
	 */
	public LogCapture(Source source) {
		this.source = source;
	}

	/**
	 * Create a capture of the {@code java.util.logging} records of a logger and those below it.
	 * @param name the logger's name, {@code io.connlistener} for all of core
	 * @return the capture
	 */
	public static LogCapture julLoggers(String name) {
		return new LogCapture(new JulSource(name));
	}

	@Override
	public void beforeEach(ExtensionContext context) {
		synchronized (this.entries) {
			this.entries.clear();
		}
		this.source.attach(this);
	}

	@Override
	public void afterEach(ExtensionContext context) {
		this.source.detach(this);
	}

	/**
	 * Keep an entry: called by the source, on whichever thread logged it.
	 * @param entry the entry
	 */
	public void add(Entry entry) {
		synchronized (this.entries) {
			this.entries.add(entry);
			this.entries.notifyAll();
		}
	}

	/**
	 * Return the entries so far at a level whose message contains some text.
	 * @param level the level
	 * @param text the text
	 * @return the entries, oldest first
	 */
	public List<Entry> entries(Level level, String text) {
		synchronized (this.entries) {
			return this.entries.stream().filter((entry) -> entry.matches(level, text)).toList();
		}
	}

	/**
	 * Wait for an entry at a level whose message contains some text, as a loop logs after
	 * what a test can observe.
	 * @param level the level
	 * @param text the text
	 * @return the first such entry
	 * @throws InterruptedException if interrupted
	 */
	public Entry awaitEntry(Level level, String text) throws InterruptedException {
		return awaitEntries(level, text, 1).get(0);
	}

	/**
	 * Wait for a number of entries at a level whose message contains some text.
	 * @param level the level
	 * @param text the text
	 * @param count how many to wait for
	 * @return all such entries so far, oldest first
	 * @throws InterruptedException if interrupted
	 */
	public List<Entry> awaitEntries(Level level, String text, int count) throws InterruptedException {
		long deadline = System.nanoTime() + WAIT.toNanos();
		synchronized (this.entries) {
			List<Entry> matching = entries(level, text);
			while (matching.size() < count) {
				long remaining = deadline - System.nanoTime();
				if (remaining <= 0) {
					String captured = this.entries.stream().map((entry) -> "\n  " + entry).collect(Collectors.joining());
					throw new AssertionError("Expected " + count + " " + level + " record(s) containing '" + text
							+ "' within " + WAIT.toSeconds() + " s, found " + matching.size() + "; captured:"
							+ (captured.isEmpty() ? " nothing" : captured) + "\nThe whole test log is in "
							+ TEST_LOG.toAbsolutePath());
				}
				TimeUnit.NANOSECONDS.timedWait(this.entries, remaining);
				matching = entries(level, text);
			}
			return matching;
		}
	}

	/**
	 * One logged record.
	 *
	 * @param level its level
	 * @param logger the name of the logger
	 * @param message the formatted message
	 * @param thrown the failure logged with it, or {@code null}
	 */
	public record Entry(Level level, String logger, String message, Throwable thrown) {

		boolean matches(Level level, String text) {
			return this.level == level && this.message != null && this.message.contains(text);
		}

		@Override
		public String toString() {
			return this.level + " " + this.logger + ": " + this.message
					+ ((this.thrown != null) ? " (" + this.thrown + ")" : "");
		}

	}

	/**
	 * Where a capture's records come from: a handler or an appender of a logging backend.
	 */
	public interface Source {

		/**
		 * Start delivering records to a capture.
		 * @param capture the capture
		 */
		void attach(LogCapture capture);

		/**
		 * Stop delivering records to a capture.
		 * @param capture the capture
		 */
		void detach(LogCapture capture);

	}

	private static final class JulSource extends Handler implements Source {

		// A strong reference: java.util.logging holds loggers weakly, and would drop one with its handler.
		private final Logger logger;

		private final SimpleFormatter formatter = new SimpleFormatter();

		private volatile LogCapture capture;

		JulSource(String name) {
			this.logger = Logger.getLogger(name);
		}

		@Override
		public void attach(LogCapture capture) {
			this.capture = capture;
			this.logger.addHandler(this);
		}

		@Override
		public void detach(LogCapture capture) {
			this.logger.removeHandler(this);
			this.capture = null;
		}

		@Override
		public void publish(LogRecord record) {
			LogCapture capture = this.capture;
			if (capture != null) {
				capture.add(new Entry(level(record.getLevel()), record.getLoggerName(),
						this.formatter.formatMessage(record), record.getThrown()));
			}
		}

		private static Level level(java.util.logging.Level level) {
			int value = level.intValue();
			for (Level candidate : List.of(Level.ERROR, Level.WARNING, Level.INFO, Level.DEBUG)) {
				if (value >= candidate.getSeverity()) {
					return candidate;
				}
			}
			return Level.TRACE;
		}

		@Override
		public void flush() {
		}

		@Override
		public void close() {
		}

	}

}
