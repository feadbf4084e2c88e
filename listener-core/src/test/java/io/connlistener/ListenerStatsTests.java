package io.connlistener;

import java.time.Duration;
import java.time.Instant;
import java.util.List;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ListenerStats}.
 */
class ListenerStatsTests {

	@Test
	void sumAddsCountersKeepsTheLongestPauseAndTheLatestError() {
		ListenerStats first = new ListenerStats();
		first.recordAccept();
		first.recordAccept();
		first.recordOpened();
		first.recordRejection(RejectionReason.MAX_CONNECTIONS);
		first.recordAcceptError(AcceptErrorReason.TOO_MANY_OPEN_FILES, "older");
		first.recordBackoff(Duration.ofMillis(50).toNanos());
		ListenerStats second = new ListenerStats();
		second.recordAccept();
		second.recordOpened();
		second.recordOpened();
		second.recordClosed();
		second.recordRejection(RejectionReason.MAX_CONNECTIONS);
		second.recordBackoff(Duration.ofMillis(200).toNanos());
		ListenerStats sum = ListenerStats.sum(List.of(first, second));
		assertThat(sum.accepted()).isEqualTo(3);
		assertThat(sum.activeConnections()).isEqualTo(2);
		assertThat(sum.rejections(RejectionReason.MAX_CONNECTIONS)).isEqualTo(2);
		assertThat(sum.acceptErrors()).isEqualTo(1);
		assertThat(sum.currentBackoff()).isEqualTo(Duration.ofMillis(200));
		assertThat(sum.lastAcceptError().message()).isEqualTo("older");
		second.recordAcceptError(AcceptErrorReason.SYSTEM_FILE_LIMIT, "newer");
		assertThat(ListenerStats.sum(List.of(first, second)).lastAcceptError().time())
			.isAfterOrEqualTo(first.lastAcceptError().time());
		first.recordAccept();
		assertThat(sum.accepted()).as("a snapshot").isEqualTo(3);
		assertThat(Instant.now()).isAfterOrEqualTo(sum.lastAcceptError().time());
	}

}
