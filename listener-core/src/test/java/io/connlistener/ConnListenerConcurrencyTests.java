package io.connlistener;

import java.net.Socket;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CountDownLatch;
import java.util.concurrent.ThreadLocalRandom;
import java.util.concurrent.TimeUnit;

import io.connlistener.loop.EventLoop;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Many threads switching a listener on and off while clients connect.
 */
@Timeout(60)
class ConnListenerConcurrencyTests {

	private static final int TOGGLERS = 8;

	private static final int TOGGLES = 2000;

	private static final int CLIENTS = 300;

	private final EventLoop loop = new EventLoop("concurrency-test");

	private final Set<SocketChannel> accepted = ConcurrentHashMap.newKeySet();

	private final List<Socket> clients = new ArrayList<>();

	private ConnListener listener;

	@AfterEach
	void close() throws Exception {
		Loopback.closeAll(this.clients, this.accepted, this.listener, this.loop);
	}

	@Test
	void enableAndDisableFromManyThreadsEndInTheLastCallsStateAndLoseNoConnection() throws Exception {
		this.listener = ConnListener.bind(this.loop, Loopback.ANY_PORT, (l, channel, remote) -> this.accepted.add(channel),
				EnumSet.of(ListenerOption.CLOSE_ON_FREE), -1);
		storm(false);
		assertThat(this.listener.isEnabled()).isFalse();
		await().atMost(Duration.ofSeconds(10)).until(() -> !this.listener.isAccepting());
		int acceptedWhileStorming = this.accepted.size();
		assertThat(this.listener.stats().accepted()).isEqualTo(acceptedWhileStorming);
		// Disabled for good: the rest wait in the kernel's queue until enabled, none is lost.
		this.listener.enable();
		await().atMost(Duration.ofSeconds(20)).until(() -> this.accepted.size() == CLIENTS);
		storm(true);
		assertThat(this.listener.isEnabled()).isTrue();
		await().atMost(Duration.ofSeconds(10)).until(this.listener::isAccepting);
		await().atMost(Duration.ofSeconds(20)).until(() -> this.accepted.size() == 2 * CLIENTS);
		assertThat(this.listener.stats().accepted()).isEqualTo(2 * CLIENTS);
		assertThat(this.listener.stats().acceptErrors()).isZero();
	}

	@Test
	void aDisableFromAnotherThreadEndsTheBatchTheLoopIsIn() throws Exception {
		CountDownLatch inCallback = new CountDownLatch(1);
		CountDownLatch disabled = new CountDownLatch(1);
		this.listener = ConnListener.bind(this.loop, Loopback.ANY_PORT, (l, channel, remote) -> {
			this.accepted.add(channel);
			inCallback.countDown();
			awaitQuietly(disabled);
		}, EnumSet.of(ListenerOption.CLOSE_ON_FREE, ListenerOption.DISABLED), -1);
		// Three handshakes done and queued in the kernel before the loop looks.
		for (int i = 0; i < 3; i++) {
			this.clients.add(Loopback.connect(this.listener.localAddress()));
		}
		this.listener.enable();
		assertThat(inCallback.await(10, TimeUnit.SECONDS)).isTrue();
		// The loop is in the batch's first callback; the batch may take 16.
		this.listener.disable();
		disabled.countDown();
		CountDownLatch loopTurned = new CountDownLatch(1);
		this.loop.execute(loopTurned::countDown);
		assertThat(loopTurned.await(10, TimeUnit.SECONDS)).isTrue();
		assertThat(this.accepted).hasSize(1);
		assertThat(this.listener.isAccepting()).isFalse();
		// The other two waited in the kernel's queue.
		this.listener.enable();
		await().atMost(Duration.ofSeconds(10)).until(() -> this.accepted.size() == 3);
	}

	/**
	 * Toggle from many threads while {@link #CLIENTS} clients connect; every thread's last
	 * call sets the given state.
	 */
	private void storm(boolean finalState) throws InterruptedException {
		CountDownLatch start = new CountDownLatch(1);
		List<Thread> threads = new ArrayList<>();
		for (int t = 0; t < TOGGLERS; t++) {
			Thread toggler = new Thread(() -> {
				awaitQuietly(start);
				ThreadLocalRandom random = ThreadLocalRandom.current();
				for (int i = 0; i < TOGGLES; i++) {
					if (random.nextBoolean()) {
						this.listener.enable();
					}
					else {
						this.listener.disable();
					}
				}
				if (finalState) {
					this.listener.enable();
				}
				else {
					this.listener.disable();
				}
			});
			threads.add(toggler);
			toggler.start();
		}
		start.countDown();
		for (int i = 0; i < CLIENTS; i++) {
			this.clients.add(Loopback.connect(this.listener.localAddress()));
		}
		for (Thread thread : threads) {
			thread.join(TimeUnit.SECONDS.toMillis(30));
			assertThat(thread.isAlive()).as("toggler finished").isFalse();
		}
	}

	private static void awaitQuietly(CountDownLatch latch) {
		try {
			latch.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

}
