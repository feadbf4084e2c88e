package io.connlistener.sample;

import java.io.File;
import java.io.IOException;
import java.io.UncheckedIOException;
import java.net.StandardProtocolFamily;
import java.net.UnixDomainSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.connlistener.testsupport.ChildProcesses;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * HAProxy in the foreground ({@code -db}) on loopback, in TCP mode in front of the given
 * servers, with a generated configuration in a directory of the test's and an admin stats
 * socket to read each server's state.
 */
final class Haproxy implements AutoCloseable {

	private final Process process;

	private final Path statsSocket;

	private final List<String> output;

	final int port;

	private Haproxy(Process process, Path statsSocket, int port) {
		this.process = process;
		this.statsSocket = statsSocket;
		this.port = port;
		this.output = ChildProcesses.captureOutput(process, "haproxy-output");
	}

	/**
	 * Return the haproxy executable: system property {@code haproxy.executable} if set
	 * ({@code none} pretends there is none), else the first on {@code PATH} or in the
	 * {@code sbin} directories a non-root {@code PATH} often lacks; {@code null} if none.
	 */
	static Path find() {
		String configured = System.getProperty("haproxy.executable");
		if (configured != null && !configured.isBlank()) {
			return ("none".equals(configured) || !Files.isExecutable(Path.of(configured))) ? null : Path.of(configured);
		}
		String path = System.getenv("PATH");
		for (String directory : (path != null) ? path.split(File.pathSeparator) : new String[0]) {
			Path candidate = Path.of(directory, "haproxy");
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		for (String directory : List.of("/usr/sbin", "/usr/local/sbin")) {
			Path candidate = Path.of(directory, "haproxy");
			if (Files.isExecutable(candidate)) {
				return candidate;
			}
		}
		return null;
	}

	/**
	 * Start HAProxy in front of servers {@code a}, {@code b}, ... on the given loopback
	 * ports, sending each connection's client address in a PROXY protocol v2 header, and
	 * checking each server with a TCP connect to that port.
	 */
	static Haproxy start(Path executable, Path directory, int... serverPorts) throws IOException {
		return start(executable, directory, serverPorts, null, null);
	}

	/**
	 * Start HAProxy as {@link #start(Path, Path, int...)} does, but checking each server's
	 * readiness over HTTP ({@code GET /actuator/health/readiness} on its Actuator port must
	 * answer 200) instead of its listening socket, so that an instance whose listener is
	 * out of service leaves before its socket closes.
	 */
	static Haproxy startCheckingReadiness(Path executable, Path directory, int[] serverPorts, int[] httpPorts)
			throws IOException {
		return start(executable, directory, serverPorts, httpPorts, null);
	}

	/**
	 * Start HAProxy as {@link #startCheckingReadiness} does, but speaking TLS to the servers
	 * ({@code ssl verify required ca-file}): the client's side stays plain TCP, and each
	 * connection to a server starts with its PROXY v2 header, in clear, then the handshake.
	 * @param caFile the CA that signed the servers' certificates
	 */
	static Haproxy startTlsToServers(Path executable, Path directory, Path caFile, int[] serverPorts,
			int[] httpPorts) throws IOException {
		return start(executable, directory, serverPorts, httpPorts, caFile);
	}

	private static Haproxy start(Path executable, Path directory, int[] serverPorts, int[] httpPorts, Path caFile)
			throws IOException {
		int port = ChildProcesses.freePort();
		Path statsSocket = directory.resolve("stats.sock");
		StringBuilder config = new StringBuilder();
		config.append("global\n")
			.append("  stats socket ").append(statsSocket).append(" mode 600 level admin\n")
			.append("  maxconn 2000\n")
			.append("defaults\n")
			.append("  mode tcp\n")
			.append("  timeout connect 2s\n")
			.append("  timeout client 20s\n")
			.append("  timeout server 20s\n")
			// Without it a check times out after its interval (200 ms): one slow answer from a
			// busy machine took a healthy server out, and both out left the frontend none.
			.append("  timeout check 2s\n")
			// A connection refused by a server that released its port is tried on another.
			.append("  retries 3\n")
			.append("  option redispatch 1\n")
			.append("frontend echo\n")
			.append("  bind 127.0.0.1:").append(port).append('\n')
			.append("  default_backend apps\n")
			.append("backend apps\n")
			.append("  balance roundrobin\n");
		if (httpPorts == null) {
			config.append("  option tcp-check\n").append("  tcp-check connect\n");
		}
		else {
			config.append("  option httpchk\n")
				.append("  http-check send meth GET uri /actuator/health/readiness\n")
				.append("  http-check expect status 200\n");
		}
		// TCP checks send a PROXY v2 header too (LOCAL command), as the servers require one;
		// checks on a port of their own (HTTP) send none.
		config.append("  default-server check inter 200ms fall 2 rise 2 send-proxy-v2\n");
		for (int i = 0; i < serverPorts.length; i++) {
			config.append("  server ").append((char) ('a' + i)).append(" 127.0.0.1:").append(serverPorts[i]);
			if (httpPorts != null) {
				// A check on a port of its own is plain HTTP, without TLS (no-check-ssl).
				config.append(" port ").append(httpPorts[i]);
			}
			if (caFile != null) {
				config.append(" ssl verify required ca-file ").append(caFile).append(" no-check-ssl");
			}
			config.append('\n');
		}
		Path file = directory.resolve("haproxy.cfg");
		Files.writeString(file, config.toString());
		Process process = new ProcessBuilder(executable.toString(), "-db", "-f", file.toString())
			.redirectErrorStream(true)
			.start();
		Haproxy haproxy = new Haproxy(process, statsSocket, port);
		await().atMost(Duration.ofSeconds(10))
			.until(() -> Files.exists(statsSocket) || !process.isAlive());
		assertThat(process.isAlive()).as("haproxy running; output:%n%s", haproxy.output()).isTrue();
		return haproxy;
	}

	/**
	 * Return a server's status as HAProxy's health checks see it: {@code UP}, {@code DOWN},
	 * {@code UP 1/2} (going up) and so on.
	 */
	String status(String server) {
		for (String line : command("show stat").split("\n")) {
			String[] fields = line.split(",", -1);
			if (fields.length > 17 && "apps".equals(fields[0]) && server.equals(fields[1])) {
				return fields[17];
			}
		}
		return "unknown";
	}

	/**
	 * Return how many sessions HAProxy sent to a server in all.
	 */
	long sessions(String server) {
		for (String line : command("show stat").split("\n")) {
			String[] fields = line.split(",", -1);
			if (fields.length > 7 && "apps".equals(fields[0]) && server.equals(fields[1])) {
				return Long.parseLong(fields[7]);
			}
		}
		return -1;
	}

	private String command(String command) {
		try (SocketChannel channel = SocketChannel.open(StandardProtocolFamily.UNIX)) {
			channel.connect(UnixDomainSocketAddress.of(this.statsSocket));
			channel.write(ByteBuffer.wrap((command + "\n").getBytes(StandardCharsets.US_ASCII)));
			ByteBuffer buffer = ByteBuffer.allocate(64 * 1024);
			StringBuilder text = new StringBuilder();
			while (channel.read(buffer) >= 0) {
				buffer.flip();
				text.append(StandardCharsets.US_ASCII.decode(buffer));
				buffer.clear();
			}
			return text.toString();
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
	}

	String output() {
		return String.join("\n", this.output);
	}

	@Override
	public void close() throws InterruptedException {
		this.process.destroy();
		if (!this.process.waitFor(10, TimeUnit.SECONDS)) {
			this.process.destroyForcibly();
			this.process.waitFor(10, TimeUnit.SECONDS);
		}
	}

}
