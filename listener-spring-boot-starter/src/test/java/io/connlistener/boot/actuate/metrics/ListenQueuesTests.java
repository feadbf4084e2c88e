package io.connlistener.boot.actuate.metrics;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.nio.ByteOrder;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.atomic.AtomicLong;

import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assumptions.assumeThat;

/**
 * Tests for {@link ListenQueues} over tables written as Linux writes /proc/net/tcp and
 * /proc/net/tcp6 on a little-endian machine (lines taken from a real kernel, ports and
 * counts changed).
 */
class ListenQueuesTests {

	private static final String TCP_HEADER = "  sl  local_address rem_address   st tx_queue rx_queue tr tm->when retrnsmt"
			+ "   uid  timeout inode\n";

	private static final String TCP6_HEADER = "  sl  local_address                         remote_address"
			+ "                        st tx_queue rx_queue tr tm->when retrnsmt   uid  timeout inode\n";

	@TempDir
	Path directory;

	private Path tcp;

	private Path tcp6;

	private Path somaxconn;

	private final AtomicLong nanoTime = new AtomicLong();

	private ListenQueues queues;

	@BeforeEach
	void setUp() {
		assumeThat(ByteOrder.nativeOrder()).as("the tables below are a little-endian kernel's")
			.isEqualTo(ByteOrder.LITTLE_ENDIAN);
		this.tcp = this.directory.resolve("tcp");
		this.tcp6 = this.directory.resolve("tcp6");
		this.somaxconn = this.directory.resolve("somaxconn");
		this.queues = new ListenQueues(List.of(this.tcp, this.tcp6), this.somaxconn, this.nanoTime::get,
				Duration.ofSeconds(1));
	}

	@Test
	void matchesTheAddressAsWellAsThePort() throws IOException {
		// 127.0.0.1:9876 and 127.0.0.2:9876 listen, 3 and 5 waiting; an established
		// connection on 127.0.0.1:9876 has 7 bytes unread, which is not a queue.
		write(this.tcp, TCP_HEADER
				+ "   0: 0200007F:2694 00000000:0000 0A 00000000:00000005 00:00000000 00000000  1000        0 4001 1\n"
				+ "   1: 0100007F:2694 0100007F:D431 01 00000000:00000007 00:00000000 00000000  1000        0 4002 1\n"
				+ "   2: 0100007F:2694 00000000:0000 0A 00000000:00000003 00:00000000 00000000  1000        0 4003 1\n");
		assertThat(this.queues.queued(new InetSocketAddress("127.0.0.1", 9876))).hasValue(3);
		assertThat(this.queues.queued(new InetSocketAddress("127.0.0.2", 9876))).hasValue(5);
		assertThat(this.queues.queued(new InetSocketAddress("127.0.0.1", 9877))).isEmpty();
		assertThat(this.queues.queued(new InetSocketAddress("127.0.0.3", 9876))).isEmpty();
	}

	@Test
	void sumsTheSocketsOfOneAddressOverBothTables() throws IOException {
		// Two SO_REUSEPORT acceptors on ::ffff:127.0.0.1:9876 (the JDK's dual-stack
		// sockets), and a third, IPv4 one.
		write(this.tcp6, TCP6_HEADER
				+ "   0: 0000000000000000FFFF00000100007F:2694 00000000000000000000000000000000:0000 0A"
				+ " 00000000:00000002 00:00000000 00000000  1000        0 5001 1\n"
				+ "   1: 0000000000000000FFFF00000100007F:2694 00000000000000000000000000000000:0000 0A"
				+ " 00000000:00000004 00:00000000 00000000  1000        0 5002 1\n");
		write(this.tcp, TCP_HEADER
				+ "   0: 0100007F:2694 00000000:0000 0A 00000000:00000001 00:00000000 00000000  1000        0 5003 1\n");
		assertThat(this.queues.queued(new InetSocketAddress("127.0.0.1", 9876))).hasValue(7);
	}

	@Test
	void readsIPv6LoopbackAndTakesEveryWildcardAsOne() throws IOException {
		write(this.tcp6, TCP6_HEADER
				+ "   0: 00000000000000000000000001000000:2694 00000000000000000000000000000000:0000 0A"
				+ " 00000000:00000002 00:00000000 00000000  1000        0 6001 1\n"
				+ "   1: 00000000000000000000000000000000:1F90 00000000000000000000000000000000:0000 0A"
				+ " 00000000:00000009 00:00000000 00000000  1000        0 6002 1\n");
		assertThat(this.queues.queued(new InetSocketAddress("::1", 9876))).hasValue(2);
		assertThat(this.queues.queued(new InetSocketAddress("0.0.0.0", 8080))).hasValue(9);
		assertThat(this.queues.queued(new InetSocketAddress("::", 8080))).hasValue(9);
		assertThat(this.queues.queued(new InetSocketAddress("127.0.0.1", 8080))).isEmpty();
	}

	@Test
	void oneReadAnswersUntilItIsOlderThanTheMaxAge() throws IOException {
		InetSocketAddress echo = new InetSocketAddress("127.0.0.1", 9876);
		write(this.tcp, TCP_HEADER
				+ "   0: 0100007F:2694 00000000:0000 0A 00000000:00000003 00:00000000 00000000  1000        0 7001 1\n");
		assertThat(this.queues.queued(echo)).hasValue(3);
		write(this.tcp, TCP_HEADER
				+ "   0: 0100007F:2694 00000000:0000 0A 00000000:00000008 00:00000000 00000000  1000        0 7001 1\n");
		this.nanoTime.addAndGet(Duration.ofMillis(999).toNanos());
		assertThat(this.queues.queued(echo)).hasValue(3);
		assertThat(this.queues.queued(new InetSocketAddress("127.0.0.2", 9876))).isEmpty();
		this.nanoTime.addAndGet(Duration.ofMillis(1).toNanos());
		assertThat(this.queues.queued(echo)).hasValue(8);
	}

	@Test
	void missingTablesReportNothing() {
		assertThat(this.queues.queued(new InetSocketAddress("127.0.0.1", 9876))).isEmpty();
	}

	@Test
	void theLimitIsTheBacklogAtMostSomaxconn() throws IOException {
		assertThat(this.queues.limit(-1)).isEmpty();
		write(this.somaxconn, "4096\n");
		assertThat(this.queues.limit(-1)).hasValue(4096);
		assertThat(this.queues.limit(100)).hasValue(100);
		assertThat(this.queues.limit(100_000)).hasValue(4096);
	}

	private static void write(Path file, String text) throws IOException {
		Files.writeString(file, text);
	}

}
