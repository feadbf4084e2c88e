package io.connlistener.benchmarks;

import java.util.Locale;

/**
 * One load shape: {@code echo-NxS} (N persistent connections, each with one S-byte message
 * in flight), {@code churn-NxS} (N connections at a time that connect, echo S bytes and close
 * with a reset) or {@code idle-N} (N open connections, measured for memory); and over TLS,
 * {@code tls-echo-NxS} and {@code tls-handshake-N} (N clients at a time that connect, make a
 * full handshake, echo 64 bytes, or S with {@code tls-handshake-NxS}, and close); to the
 * framed peers, {@code framed-echo-NxS} (N persistent connections, each with one S-byte line
 * {@code ECHO <letters>\r\n} in flight, answered with {@code <letters>\r\n}); and
 * {@code flood-NxS} (N connects at once, open loop, each echoing S bytes and closing) and
 * {@code startup-N} (each Spring Boot peer started fresh N times).
 *
 * @param kind what the connections do
 * @param connections how many connections at once
 * @param size bytes per message
 * @param tls whether the connections speak TLS, to the TLS peers only
 */
public record Scenario(Kind kind, int connections, int size, boolean tls) {

	/** Largest number of connections a scenario may ask for. */
	public static final int MAX_CONNECTIONS = 50_000;

	/** Most fresh starts a startup scenario may ask for per peer. */
	public static final int MAX_STARTS = 100;

	/** Largest message a scenario may ask for. */
	public static final int MAX_SIZE = 1024 * 1024;

	private static final String TLS_PREFIX = "tls-";

	private static final String FRAMED_ECHO = "framed-echo";

	private static final int DEFAULT_SIZE = 64;

	/**
	 * Create a scenario, checking its bounds.
	 */
	public Scenario {
		if (connections < 1 || connections > MAX_CONNECTIONS) {
			throw new IllegalArgumentException("Connections must be in [1, " + MAX_CONNECTIONS + "], not " + connections);
		}
		if (kind == Kind.STARTUP && connections > MAX_STARTS) {
			throw new IllegalArgumentException("Starts must be in [1, " + MAX_STARTS + "], not " + connections);
		}
		if (size < 1 || size > MAX_SIZE) {
			throw new IllegalArgumentException("Message size must be in [1, " + MAX_SIZE + "], not " + size);
		}
		if (kind == Kind.FRAMED_ECHO && (tls || size < 8)) {
			throw new IllegalArgumentException(
					"A framed echo is plain TCP with lines of at least 8 bytes (ECHO, a space, a letter, \\r\\n)");
		}
		if ((tls && kind != Kind.ECHO && kind != Kind.HANDSHAKE) || (!tls && kind == Kind.HANDSHAKE)) {
			throw new IllegalArgumentException("TLS scenarios are tls-echo-NxS and tls-handshake-N, not "
					+ (tls ? TLS_PREFIX : "") + kind.name().toLowerCase(Locale.ROOT));
		}
	}

	/**
	 * Create a scenario over plain TCP.
	 * @param kind what the connections do
	 * @param connections how many connections at once
	 * @param size bytes per message
	 */
	public Scenario(Kind kind, int connections, int size) {
		this(kind, connections, size, false);
	}

	/**
	 * Parse {@code echo-100x64}, {@code churn-50x64}, {@code echo-100x4k}, {@code idle-10000},
	 * {@code tls-echo-100x64}, {@code tls-handshake-50} or {@code framed-echo-100x64}.
	 * @param text the scenario's name
	 * @return the scenario
	 */
	public static Scenario parse(String text) {
		String value = text.trim().toLowerCase(Locale.ROOT);
		boolean tls = value.startsWith(TLS_PREFIX);
		if (tls) {
			value = value.substring(TLS_PREFIX.length());
		}
		boolean framed = !tls && value.startsWith(FRAMED_ECHO + "-");
		int dash = framed ? FRAMED_ECHO.length() : value.indexOf('-');
		if (dash < 0) {
			throw new IllegalArgumentException("Scenario '" + text + "' is not KIND-NxS or idle-N");
		}
		Kind kind;
		try {
			kind = framed ? Kind.FRAMED_ECHO : Kind.valueOf(value.substring(0, dash).toUpperCase(Locale.ROOT));
		}
		catch (IllegalArgumentException ex) {
			throw new IllegalArgumentException("Scenario '" + text + "' is of no known kind: "
					+ "echo, churn, idle, tls-echo, tls-handshake, framed-echo, flood or startup");
		}
		String shape = value.substring(dash + 1);
		int x = shape.indexOf('x');
		if (kind == Kind.IDLE || kind == Kind.STARTUP || (kind == Kind.HANDSHAKE && x < 0)) {
			return new Scenario(kind, Integer.parseInt(shape), DEFAULT_SIZE, tls);
		}
		if (x < 0) {
			throw new IllegalArgumentException("Scenario '" + text + "' is not KIND-NxS");
		}
		String size = shape.substring(x + 1);
		int multiplier = 1;
		if (size.endsWith("k")) {
			multiplier = 1024;
			size = size.substring(0, size.length() - 1);
		}
		return new Scenario(kind, Integer.parseInt(shape.substring(0, x)), Integer.parseInt(size) * multiplier, tls);
	}

	/**
	 * Return the name this scenario parses from.
	 * @return for example {@code echo-100x4k}
	 */
	public String name() {
		String prefix = (this.tls ? TLS_PREFIX : "") + this.kind.name().toLowerCase(Locale.ROOT).replace('_', '-')
				+ "-" + this.connections;
		if (this.kind == Kind.IDLE || this.kind == Kind.STARTUP
				|| (this.kind == Kind.HANDSHAKE && this.size == DEFAULT_SIZE)) {
			return prefix;
		}
		return prefix + "x" + ((this.size % 1024 == 0) ? (this.size / 1024) + "k" : String.valueOf(this.size));
	}

	/**
	 * Return a human description, as in the report.
	 * @return for example {@code echo 100 × 4 KiB} or {@code TLS handshake 50 × 64 B}
	 */
	public String describe() {
		String prefix = (this.tls ? "TLS " : "") + this.kind.name().toLowerCase(Locale.ROOT).replace('_', ' ') + " "
				+ this.connections;
		if (this.kind == Kind.IDLE) {
			return prefix + " connections";
		}
		if (this.kind == Kind.STARTUP) {
			return prefix + " starts";
		}
		return prefix + " × " + ((this.size % 1024 == 0) ? (this.size / 1024) + " KiB" : this.size + " B");
	}

	/**
	 * Return whether every connection makes one round trip and closes, so that a cycle is
	 * counted from its connect.
	 * @return {@code true} for churn, handshake and flood scenarios
	 */
	public boolean closesEachCycle() {
		return this.kind == Kind.CHURN || this.kind == Kind.HANDSHAKE || this.kind == Kind.FLOOD;
	}

	/**
	 * Return what the peers of this scenario serve.
	 * @return {@link Protocol#TLS} for the TLS scenarios, {@link Protocol#FRAMED} for a framed
	 * echo, else {@link Protocol#PLAIN}
	 */
	public Protocol protocol() {
		if (this.tls) {
			return Protocol.TLS;
		}
		return (this.kind == Kind.FRAMED_ECHO) ? Protocol.FRAMED : Protocol.PLAIN;
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
		IDLE,

		/**
		 * TLS only: connect, make a full handshake (nothing to resume), echo one message, send
		 * {@code close_notify} and close with a reset: handshakes per second.
		 */
		HANDSHAKE,

		/**
		 * Framed peers only: persistent connections, one line {@code ECHO <letters>\r\n} in
		 * flight each, answered with {@code <letters>\r\n}: round trips per second and latency.
		 */
		FRAMED_ECHO,

		/**
		 * A fixed count of connects made as fast as the client can, open loop (none waits
		 * for the server), each echoing one message and closing with a reset: connects
		 * accepted per second and the kernel's listen queue overflows.
		 */
		FLOOD,

		/**
		 * Each Spring Boot peer started fresh N times: time from the spawn of its process to
		 * its first echoed byte.
		 */
		STARTUP

	}

}
