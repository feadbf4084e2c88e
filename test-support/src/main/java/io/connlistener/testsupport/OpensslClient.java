package io.connlistener.testsupport;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.OutputStream;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.function.Predicate;
import java.util.stream.Collectors;

/**
 * A real TLS client: {@code openssl s_client} in a child process, connected to a loopback
 * port or a Unix domain socket, that sends the lines it is given and keeps every line it
 * prints (the certificate chain, the negotiated protocol and ALPN protocol, what the
 * server sends back). Waits are signalled by the lines the reading thread takes, never
 * polled, and bounded.
 * <p>
 * Needs the {@code openssl} command line tool ({@link TestCertificates#opensslAvailable()});
 * {@code .ci/run} installs it. Thread-safe.
 */
public final class OpensslClient implements AutoCloseable {

	private static final Duration WAIT = Duration.ofSeconds(20);

	/** What {@code s_client -brief} prints once the handshake has completed, verified or not. */
	private static final String BRIEF_HANDSHAKE_DONE = "Verification";

	/** What {@code s_client} prints at the end of its summary of the handshake. */
	private static final String HANDSHAKE_DONE = "Verify return code:";

	private final Process process;

	private final String handshakeDone;

	private final OutputStream input;

	private final List<String> lines = new ArrayList<>();

	private boolean ended;

	/** The first line {@link #expectLine} has not matched yet, so that a line repeated is waited for again. */
	private int next;

	private OpensslClient(Process process, boolean brief) {
		this.process = process;
		this.handshakeDone = brief ? BRIEF_HANDSHAKE_DONE : HANDSHAKE_DONE;
		this.input = process.getOutputStream();
		Thread reader = new Thread(this::readOutput, "openssl-s_client-output");
		reader.setDaemon(true);
		reader.start();
	}

	/**
	 * Start {@code openssl s_client -connect 127.0.0.1:<port> -nocommands -brief} with more
	 * options, such as {@code -CAfile ca.pem -servername a.example.test}, to send and receive
	 * lines: it prints a summary of the handshake ({@code Peer certificate: CN = ...}), then
	 * only what the server sends.
	 * @param port the loopback port
	 * @param options more options of {@code s_client}
	 * @return the client, connecting
	 */
	public static OpensslClient connect(int port, String... options) {
		return start(List.of("-connect", "127.0.0.1:" + port), true, options);
	}

	/**
	 * Start {@code openssl s_client -unix <socket> -nocommands -brief} with more options,
	 * as {@link #connect(int, String...)} does over TCP.
	 * @param socket the Unix domain socket file
	 * @param options more options of {@code s_client}
	 * @return the client, connecting
	 */
	public static OpensslClient connectUnix(Path socket, String... options) {
		return start(List.of("-unix", socket.toString()), true, options);
	}

	/**
	 * Start {@code openssl s_client -connect 127.0.0.1:<port> -nocommands} with more
	 * options, to read its whole summary of the handshake (the chain, {@code ALPN protocol:
	 * ...}). Not for lines sent back: {@code s_client} prints each TLS 1.3 session ticket that
	 * comes after the handshake, and what the server sends meanwhile lands inside that print.
	 * @param port the loopback port
	 * @param options more options of {@code s_client}
	 * @return the client, connecting
	 */
	public static OpensslClient connectVerbose(int port, String... options) {
		return start(List.of("-connect", "127.0.0.1:" + port), false, options);
	}

	private static OpensslClient start(List<String> target, boolean brief, String... options) {
		List<String> command = new ArrayList<>(List.of("openssl", "s_client"));
		command.addAll(target);
		command.add("-nocommands");
		if (brief) {
			command.add("-brief");
		}
		command.addAll(List.of(options));
		try {
			return new OpensslClient(new ProcessBuilder(command).redirectErrorStream(true).start(), brief);
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not start " + command, ex);
		}
	}

	private void readOutput() {
		try (BufferedReader reader = new BufferedReader(
				new InputStreamReader(this.process.getInputStream(), StandardCharsets.UTF_8))) {
			String line;
			while ((line = reader.readLine()) != null) {
				synchronized (this.lines) {
					this.lines.add(line);
					this.lines.notifyAll();
				}
			}
		}
		catch (IOException ex) {
			// The process ended.
		}
		finally {
			synchronized (this.lines) {
				this.ended = true;
				this.lines.notifyAll();
			}
		}
	}

	/**
	 * Wait until the handshake has completed: {@code s_client} has printed its summary.
	 * @return this client
	 * @throws AssertionError if the client ends or takes too long first
	 */
	public OpensslClient awaitHandshake() {
		if (!await((line) -> line.startsWith(this.handshakeDone), false)) {
			throw new AssertionError("s_client did not complete a handshake; it printed:\n" + output());
		}
		return this;
	}

	/**
	 * Send a line, as typed on {@code s_client}'s standard input.
	 * @param line the line, without its end
	 * @return this client
	 */
	public OpensslClient sendLine(String line) {
		try {
			this.input.write((line + "\n").getBytes(StandardCharsets.UTF_8));
			this.input.flush();
			return this;
		}
		catch (IOException ex) {
			throw new UncheckedIOException("s_client no longer reads its input; it printed:\n" + output(), ex);
		}
	}

	/**
	 * Wait for a line that the server sent, or that {@code s_client} printed, after the
	 * line the last call matched.
	 * @param line the whole line
	 * @return this client
	 * @throws AssertionError if the client ends or takes too long first
	 */
	public OpensslClient expectLine(String line) {
		if (!await(line::equals, true)) {
			throw new AssertionError("s_client did not print '" + line + "'; it printed:\n" + output());
		}
		return this;
	}

	/**
	 * Return whether {@code s_client} has printed a line that contains some text.
	 * @param text the text
	 * @return {@code true} if it has
	 */
	public boolean printed(String text) {
		synchronized (this.lines) {
			return this.lines.stream().anyMatch((line) -> line.contains(text));
		}
	}

	/**
	 * Return the first line {@code s_client} printed that starts with a prefix, such as
	 * {@code "Peer certificate: "} or, verbose, {@code "subject="}.
	 * @param prefix the prefix
	 * @return the rest of the line, or {@code null} if none starts so
	 */
	public String valueOf(String prefix) {
		synchronized (this.lines) {
			return this.lines.stream()
				.filter((line) -> line.startsWith(prefix))
				.map((line) -> line.substring(prefix.length()))
				.findFirst()
				.orElse(null);
		}
	}

	/**
	 * Return everything {@code s_client} printed so far.
	 * @return the lines, joined
	 */
	public String output() {
		synchronized (this.lines) {
			return this.lines.stream().collect(Collectors.joining("\n"));
		}
	}

	/**
	 * Wait for {@code s_client} to end by itself, as it does when the server closes the
	 * connection or the handshake fails.
	 * @return its exit code
	 * @throws AssertionError if it does not end in time
	 */
	public int awaitExit() {
		try {
			if (!this.process.waitFor(WAIT.toMillis(), TimeUnit.MILLISECONDS)) {
				throw new AssertionError("s_client did not end within " + WAIT.toSeconds() + " s; it printed:\n"
						+ output());
			}
			synchronized (this.lines) {
				long deadline = System.nanoTime() + WAIT.toNanos();
				while (!this.ended && deadline - System.nanoTime() > 0) {
					TimeUnit.NANOSECONDS.timedWait(this.lines, deadline - System.nanoTime());
				}
			}
			return this.process.exitValue();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new AssertionError("Interrupted", ex);
		}
	}

	/**
	 * Close {@code s_client}'s input, which makes it close the connection with a
	 * close_notify and end, and wait for it to end.
	 * @return its exit code
	 */
	public int quit() {
		try {
			this.input.close();
		}
		catch (IOException ex) {
			// Ended already.
		}
		return awaitExit();
	}

	private boolean await(Predicate<String> match, boolean consume) {
		long deadline = System.nanoTime() + WAIT.toNanos();
		synchronized (this.lines) {
			while (true) {
				for (int i = consume ? this.next : 0; i < this.lines.size(); i++) {
					if (match.test(this.lines.get(i))) {
						if (consume) {
							this.next = i + 1;
						}
						return true;
					}
				}
				long remaining = deadline - System.nanoTime();
				if (this.ended || remaining <= 0) {
					return false;
				}
				try {
					TimeUnit.NANOSECONDS.timedWait(this.lines, remaining);
				}
				catch (InterruptedException ex) {
					Thread.currentThread().interrupt();
					return false;
				}
			}
		}
	}

	/**
	 * End {@code s_client} if it still runs.
	 */
	@Override
	public void close() {
		this.process.destroy();
		try {
			if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
				this.process.destroyForcibly();
			}
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			this.process.destroyForcibly();
		}
	}

}
