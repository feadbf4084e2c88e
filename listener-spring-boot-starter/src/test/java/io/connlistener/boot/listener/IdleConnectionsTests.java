package io.connlistener.boot.listener;

import java.io.BufferedReader;
import java.io.IOException;
import java.io.InputStreamReader;
import java.io.PrintWriter;
import java.net.InetSocketAddress;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;

import io.connlistener.boot.testsupport.ChildApplications;
import io.connlistener.testsupport.Figures;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.condition.EnabledOnOs;
import org.junit.jupiter.api.condition.OS;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Holds ten thousand idle connections to a listener run by the starter in a child JVM
 * ({@link IdleConnectionsChild}): both ends in one JVM would need more descriptors than
 * the 20,000 a test process may have here. Reports the heap, direct memory and resident
 * memory each connection costs the server.
 */
@EnabledOnOs(OS.LINUX)
@Timeout(180)
class IdleConnectionsTests {

	private static final int CONNECTIONS = 10_000;

	private final List<SocketChannel> clients = new ArrayList<>();

	private Process child;

	private BufferedReader childOut;

	private PrintWriter childIn;

	@AfterEach
	void stop() throws Exception {
		for (SocketChannel client : this.clients) {
			client.close();
		}
		if (this.child != null) {
			this.childIn.println("exit");
			if (!this.child.waitFor(20, TimeUnit.SECONDS)) {
				this.child.destroyForcibly();
			}
		}
	}

	@Test
	void listenerHoldsTenThousandIdleConnections() throws Exception {
		int port = startChild();
		InetSocketAddress address = new InetSocketAddress("127.0.0.1", port);
		Map<String, Long> before = memory();
		long rssBefore = residentBytes();
		long start = System.nanoTime();
		for (int i = 0; i < CONNECTIONS; i++) {
			this.clients.add(SocketChannel.open(address));
		}
		long connectMillis = TimeUnit.NANOSECONDS.toMillis(System.nanoTime() - start);
		await().atMost(Duration.ofSeconds(60)).pollInterval(Duration.ofMillis(200))
			.until(() -> memory().get("active") == CONNECTIONS);
		Map<String, Long> after = memory();
		long rssAfter = residentBytes();
		int open = 0;
		ByteBuffer probe = ByteBuffer.allocate(1);
		for (SocketChannel client : this.clients) {
			client.configureBlocking(false);
			// 0: nothing to read and not closed by the server.
			if (client.read(probe) == 0) {
				open++;
			}
		}
		long heap = (after.get("heap") - before.get("heap")) / CONNECTIONS;
		long direct = (after.get("direct") - before.get("direct")) / CONNECTIONS;
		long rss = (rssAfter - rssBefore) / CONNECTIONS;
		Figures.record("idle-10k", "%d idle buffered connections held by one listener (active %d, %d clients "
				+ "still open, server sockets %d); per connection after a full GC: heap %d B, direct %d B, RSS %d B; "
				+ "connected in %d ms", CONNECTIONS, after.get("active"), open, after.get("sockets"), heap, direct,
				rss, connectMillis);
		assertThat(after.get("active")).isEqualTo(CONNECTIONS);
		assertThat(open).isEqualTo(CONNECTIONS);
		assertThat(after.get("sockets") - before.get("sockets")).isEqualTo(CONNECTIONS);
		assertThat(after.get("idleTimeouts")).isZero();
		// An idle connection holds no buffer segment: a few hundred bytes of heap, no direct memory.
		assertThat(heap).isLessThan(4096);
		assertThat(direct).isLessThan(1024);
	}

	private int startChild() throws IOException {
		this.child = new ProcessBuilder(ChildApplications.command(IdleConnectionsChild.class,
				Integer.toString(2 * CONNECTIONS)))
			.redirectError(ProcessBuilder.Redirect.INHERIT)
			.start();
		this.childOut = new BufferedReader(new InputStreamReader(this.child.getInputStream(), StandardCharsets.UTF_8));
		this.childIn = new PrintWriter(this.child.getOutputStream(), true, StandardCharsets.UTF_8);
		String line = reply("PORT ");
		return Integer.parseInt(line.substring(5).trim());
	}

	private Map<String, Long> memory() throws IOException {
		this.childIn.println("memory");
		String line = reply("MEMORY ");
		Map<String, Long> values = new HashMap<>();
		for (String field : line.substring(7).split(" ")) {
			String[] pair = field.split("=");
			values.put(pair[0], Long.parseLong(pair[1]));
		}
		return values;
	}

	private String reply(String prefix) throws IOException {
		String line;
		while ((line = this.childOut.readLine()) != null) {
			if (line.startsWith(prefix)) {
				return line;
			}
		}
		throw new IOException("Child ended before printing '" + prefix + "'");
	}

	private long residentBytes() throws IOException {
		for (String line : Files.readAllLines(Path.of("/proc", Long.toString(this.child.pid()), "status"))) {
			if (line.startsWith("VmRSS:")) {
				return Long.parseLong(line.replaceAll("[^0-9]", "")) * 1024;
			}
		}
		throw new IOException("No VmRSS for the child");
	}

}
