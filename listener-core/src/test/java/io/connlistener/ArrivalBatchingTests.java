package io.connlistener;

import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.TimeUnit;

import io.connlistener.loop.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;
import static org.awaitility.Awaitility.await;

/**
 * A loop pauses before it selects while connections keep arriving, and only then.
 */
@Timeout(60)
class ArrivalBatchingTests {

	private static final Duration LONGEST = Duration.ofSeconds(1);

	private final Set<SocketChannel> accepted = ConcurrentHashMap.newKeySet();

	private final List<Socket> clients = new ArrayList<>();

	private EventLoop loop;

	private ConnListener listener;

	@AfterEach
	void close() throws Exception {
		if (this.loop != null) {
			Loopback.closeAll(this.clients, this.accepted, this.listener, this.loop);
		}
	}

	@Test
	void aLoopPausesAfterEachSelectionInARowThatAcceptedConnections() throws Exception {
		queueThreeAndAcceptOnePerSelection(EventLoop.DEFAULT_ARRIVAL_BATCHING);
		// The first selection's accept does not pause; the second's and the third's do (the
		// pause after the third comes only after its callback, so wait for it, not for that).
		await().atMost(Duration.ofSeconds(10)).until(() -> this.accepted.size() == 3);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.loop.arrivalPauses() >= 2);
		awaitLoopTurn();
		assertThat(this.loop.arrivalPauses()).isEqualTo(2);
		// A selection with no accept before it does not pause.
		awaitLoopTurn();
		assertThat(this.loop.arrivalPauses()).isEqualTo(2);
	}

	@Test
	void aLoopWithoutArrivalBatchingNeverPauses() throws Exception {
		queueThreeAndAcceptOnePerSelection(Duration.ZERO);
		await().atMost(Duration.ofSeconds(10)).until(() -> this.accepted.size() == 3);
		awaitLoopTurn();
		assertThat(this.loop.arrivalPauses()).isZero();
	}

	@Test
	void aTaskFromAnotherThreadEndsAPause() throws Exception {
		queueThreeAndAcceptOnePerSelection(LONGEST);
		awaitPause();
		CountDownLatch ran = new CountDownLatch(1);
		long submitted = System.nanoTime();
		this.loop.execute(ran::countDown);
		assertThat(ran.await(10, TimeUnit.SECONDS)).isTrue();
		// Without the wakeup the task would wait for the rest of the 1 s pause.
		assertThat(Duration.ofNanos(System.nanoTime() - submitted)).isLessThan(LONGEST.dividedBy(2));
	}

	@Test
	void closingEndsAPause() throws Exception {
		queueThreeAndAcceptOnePerSelection(LONGEST);
		awaitPause();
		long closing = System.nanoTime();
		assertThat(this.loop.close(Duration.ofSeconds(10))).isTrue();
		assertThat(Duration.ofNanos(System.nanoTime() - closing)).isLessThan(LONGEST.dividedBy(2));
	}

	@Test
	void arrivalBatchingIsBetweenZeroAndOneSecond() {
		assertThatIllegalArgumentException().isThrownBy(() -> new EventLoop("bad", Duration.ofNanos(-1)))
			.withMessageContaining("'arrivalBatching' must be between 0 and 1 s");
		assertThatIllegalArgumentException().isThrownBy(() -> new EventLoop("bad", Duration.ofMillis(1001)))
			.withMessageContaining("'arrivalBatching' must be between 0 and 1 s");
	}

	/**
	 * Three handshakes done and queued in the kernel before a listener that takes one
	 * connection per selection starts accepting: three selections in a row accept.
	 */
	private void queueThreeAndAcceptOnePerSelection(Duration arrivalBatching) throws Exception {
		this.loop = new EventLoop("arrival-test", arrivalBatching);
		this.listener = ConnListener.builder(this.loop)
			.callback((l, channel, remote) -> this.accepted.add(channel))
			.options(ListenerOption.CLOSE_ON_FREE, ListenerOption.DISABLED)
			.maxAcceptsPerWakeup(1)
			.bind(Loopback.ANY_PORT);
		for (int i = 0; i < 3; i++) {
			this.clients.add(Loopback.connect(this.listener.localAddress()));
		}
		this.listener.enable();
	}

	/** Wait, without sleeping, until the loop has begun its first pause. */
	private void awaitPause() {
		long deadline = System.nanoTime() + TimeUnit.SECONDS.toNanos(10);
		while (this.loop.arrivalPauses() == 0) {
			assertThat(System.nanoTime()).as("first pause within 10 s").isLessThan(deadline);
			Thread.onSpinWait();
		}
	}

	private void awaitLoopTurn() throws InterruptedException {
		CountDownLatch turned = new CountDownLatch(1);
		this.loop.execute(turned::countDown);
		assertThat(turned.await(10, TimeUnit.SECONDS)).isTrue();
	}

}
