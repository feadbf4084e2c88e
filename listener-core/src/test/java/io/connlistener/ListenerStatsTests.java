package io.connlistener;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import io.connlistener.internal.accept.AcceptCounters;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ListenerStats}.
 */
class ListenerStatsTests {

	@Test
	void sumAddsCountersKeepsTheLongestPauseAndTheLatestError() {
		AcceptCounters firstCounters = new AcceptCounters();
		ListenerStats first = new ListenerStats(firstCounters);
		firstCounters.recordAccept();
		firstCounters.recordAccept();
		firstCounters.recordOpened();
		firstCounters.recordRejection(RejectionReason.MAX_CONNECTIONS);
		firstCounters.recordAcceptError(AcceptErrorReason.TOO_MANY_OPEN_FILES, "older");
		firstCounters.recordBackoff(Duration.ofMillis(50).toNanos());
		AcceptCounters secondCounters = new AcceptCounters();
		ListenerStats second = new ListenerStats(secondCounters);
		secondCounters.recordAccept();
		secondCounters.recordOpened();
		secondCounters.recordOpened();
		secondCounters.recordClosed();
		secondCounters.recordRejection(RejectionReason.MAX_CONNECTIONS);
		secondCounters.recordBackoff(Duration.ofMillis(200).toNanos());
		ListenerStats sum = ListenerStats.sum(List.of(first, second));
		assertThat(sum.accepted()).isEqualTo(3);
		assertThat(sum.activeConnections()).isEqualTo(2);
		assertThat(sum.rejections(RejectionReason.MAX_CONNECTIONS)).isEqualTo(2);
		assertThat(sum.acceptErrors()).isEqualTo(1);
		assertThat(sum.currentBackoff()).isEqualTo(Duration.ofMillis(200));
		assertThat(sum.lastAcceptError().message()).isEqualTo("older");
		secondCounters.recordAcceptError(AcceptErrorReason.SYSTEM_FILE_LIMIT, "newer");
		assertThat(ListenerStats.sum(List.of(first, second)).lastAcceptError().time())
			.isAfterOrEqualTo(first.lastAcceptError().time());
		firstCounters.recordAccept();
		assertThat(sum.accepted()).as("a snapshot").isEqualTo(3);
		assertThat(Instant.now()).isAfterOrEqualTo(sum.lastAcceptError().time());
	}

}
