package io.connlistener.benchmarks;

import java.util.Locale;

/**
 * One load shape: {@code echo-NxS} (N persistent connections, each with one S-byte message
 * in flight), {@code churn-NxS} (N connections at a time that connect, echo S bytes and close
 * with a reset) or {@code idle-N} (N open connections, measured for memory).
 *
 * @param kind what the connections do
 * @param connections how many connections at once
 * @param size bytes per message
 */
public record Scenario(Kind kind, int connections, int size) {

	/** Largest number of connections a scenario may ask for. */
	public static final int MAX_CONNECTIONS = 50_000;

	/** Largest message a scenario may ask for. */
	public static final int MAX_SIZE = 1024 * 1024;

	/**
	 * Create a scenario, checking its bounds.
	 */
	public Scenario {
		if (connections < 1 || connections > MAX_CONNECTIONS) {
			throw new IllegalArgumentException("Connections must be in [1, " + MAX_CONNECTIONS + "], not " + connections);
		}
		if (size < 1 || size > MAX_SIZE) {
			throw new IllegalArgumentException("Message size must be in [1, " + MAX_SIZE + "], not " + size);
		}
	}

	/**
	 * Parse {@code echo-100x64}, {@code churn-50x64}, {@code echo-100x4k} or {@code idle-10000}.
	 * @param text the scenario's name
	 * @return the scenario
	 */
	public static Scenario parse(String text) {
		String value = text.trim().toLowerCase(Locale.ROOT);
		int dash = value.indexOf('-');
		if (dash < 0) {
			throw new IllegalArgumentException("Scenario '" + text + "' is not KIND-NxS or idle-N");
		}
		Kind kind = Kind.valueOf(value.substring(0, dash).toUpperCase(Locale.ROOT));
		String shape = value.substring(dash + 1);
		if (kind == Kind.IDLE) {
			return new Scenario(kind, Integer.parseInt(shape), 64);
		}
		int x = shape.indexOf('x');
		if (x < 0) {
			throw new IllegalArgumentException("Scenario '" + text + "' is not KIND-NxS");
		}
		String size = shape.substring(x + 1);
		int multiplier = 1;
		if (size.endsWith("k")) {
			multiplier = 1024;
			size = size.substring(0, size.length() - 1);
		}
		return new Scenario(kind, Integer.parseInt(shape.substring(0, x)), Integer.parseInt(size) * multiplier);
	}

	/**
	 * Return the name this scenario parses from.
	 * @return for example {@code echo-100x4k}
	 */
	public String name() {
		String prefix = this.kind.name().toLowerCase(Locale.ROOT) + "-" + this.connections;
		if (this.kind == Kind.IDLE) {
			return prefix;
		}
		return prefix + "x" + ((this.size % 1024 == 0) ? (this.size / 1024) + "k" : String.valueOf(this.size));
	}

	/**
	 * Return a human description, as in the report.
	 * @return for example {@code echo 100 × 4 KiB}
	 */
	public String describe() {
		String prefix = this.kind.name().toLowerCase(Locale.ROOT) + " " + this.connections;
		if (this.kind == Kind.IDLE) {
			return prefix + " connections";
		}
		return prefix + " × " + ((this.size % 1024 == 0) ? (this.size / 1024) + " KiB" : this.size + " B");
	}

	@Override
	public String toString() {
		return name();
	}

	/**
	 * What the connections of a scenario do.
	 */
	public enum Kind {

		/** Persistent connections, one message in flight each: round trips per second and latency. */
		ECHO,

		/** Connect, echo one message, close with a reset: cycles per second. */
		CHURN,

		/** Connections that stay open and silent after one echo: memory per connection. */
		IDLE

	}

}
