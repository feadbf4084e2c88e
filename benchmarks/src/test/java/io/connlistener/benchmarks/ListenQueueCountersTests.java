package io.connlistener.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link ListenQueueCounters}: the {@code TcpExt} lines of
 * {@code /proc/net/netstat}, as Linux 6 writes them (shortened).
 */
class ListenQueueCountersTests {

	private static final String NETSTAT = """
			TcpExt: SyncookiesSent SyncookiesRecv EmbryonicRsts ListenOverflows ListenDrops TCPHPHits
			TcpExt: 0 0 3642 17 23 2347588
			IpExt: InNoRoutes ListenOverflows InOctets
			IpExt: 0 999 12345
			""";

	@Test
	void readsListenOverflowsAndListenDropsByNameFromTheTcpExtLines() {
		assertThat(ListenQueueCounters.parse(NETSTAT)).isEqualTo(new ListenQueueCounters(17, 23));
	}

	@Test
	void aCounterThatIsMissingIsUnknown() {
		ListenQueueCounters parsed = ListenQueueCounters.parse("TcpExt: SyncookiesSent ListenDrops\nTcpExt: 1 5\n");
		assertThat(parsed).isEqualTo(new ListenQueueCounters(-1, 5));
		assertThat(ListenQueueCounters.parse("")).isEqualTo(ListenQueueCounters.UNKNOWN);
	}

	@Test
	void theDifferenceIsUnknownWhereEitherSideIs() {
		ListenQueueCounters later = new ListenQueueCounters(20, 30);
		assertThat(later.since(new ListenQueueCounters(17, 23))).isEqualTo(new ListenQueueCounters(3, 7));
		assertThat(later.since(new ListenQueueCounters(-1, 23))).isEqualTo(new ListenQueueCounters(-1, 7));
	}

	@Test
	void readsThisMachinesCounters() {
		assumeTrue(Files.isReadable(Path.of("/proc/net/netstat")), "no /proc/net/netstat (not Linux)");
		ListenQueueCounters now = ListenQueueCounters.read();
		assertThat(now.overflows()).isNotNegative();
		assertThat(now.drops()).isGreaterThanOrEqualTo(now.overflows());
	}

}
