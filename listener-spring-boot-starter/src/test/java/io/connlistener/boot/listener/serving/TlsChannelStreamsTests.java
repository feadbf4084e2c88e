package io.connlistener.boot.listener.serving;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.BlockingQueue;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.ExecutorService;
import java.util.concurrent.Executors;
import java.util.concurrent.Future;
import java.util.concurrent.LinkedBlockingQueue;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLSocket;

import io.connlistener.AcceptCallback;
import io.connlistener.AcceptedConnection;
import io.connlistener.ConnListener;
import io.connlistener.loop.EventLoop;
import io.connlistener.testsupport.PacedRelay;
import io.connlistener.testsupport.TestCertificates;
import io.connlistener.tls.TlsContexts;
import io.connlistener.tls.TlsServerContext;
import io.connlistener.tls.TlsSettings;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ChannelStreams} over {@link TlsStreamTransport}, on a connection a real
 * TLS listener accepted, whose peer takes the records through a relay at about 400 ms per
 * 16 KiB record, twice the write timeout: the bytes of a record going out are progress,
 * although the channel takes no plaintext until the whole record is out.
 */
@Timeout(60)
class TlsChannelStreamsTests {

	private static final Duration WRITE_TIMEOUT = Duration.ofMillis(200);

	private static final int PACE = 40 * 1024;

	private static final int TOTAL = 64 * 1024;

	private static final TestCertificates certificates = TestCertificates.shared();

	private final EventLoop loop = new EventLoop("tls-channel-streams-test");

	private final ExecutorService executor = Executors.newFixedThreadPool(2);

	private final BlockingQueue<AcceptedConnection> accepted = new LinkedBlockingQueue<>();

	/** Which timeouts ran out: {@code true} for the write timeout. */
	private final List<Boolean> timeouts = new CopyOnWriteArrayList<>();

	@AfterEach
	void close() {
		this.executor.shutdownNow();
		this.loop.close();
	}

	@Test
	void writeToAPeerThatTakesRecordsSlowlyIsNotTimedOut() throws Exception {
		TlsSettings settings = TlsSettings
			.builder(TlsContexts.of(TlsServerContext.of(certificates.context("server"))))
			.build();
		ConnListener listener = ConnListener.builder(this.loop).callback(new AcceptCallback() {

			@Override
			public void onAccept(ConnListener listener, SocketChannel channel, SocketAddress remoteAddress) {
				throw new IllegalStateException("A TLS listener hands on the TLS channel");
			}

			@Override
			public void onAccept(ConnListener listener, AcceptedConnection connection) {
				TlsChannelStreamsTests.this.accepted.add(connection);
			}

		}).tls(settings).bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		try (PacedRelay relay = PacedRelay.pacingServer((InetSocketAddress) listener.localAddress(), PACE);
				SSLSocket client = certificates.connectClient(relay.address())) {
			Future<byte[]> read = this.executor.submit(() -> client.getInputStream().readNBytes(TOTAL));
			AcceptedConnection connection = this.accepted.poll(10, TimeUnit.SECONDS);
			assertThat(connection).isNotNull();
			// Small, so that the records wait for the relay rather than in the kernel.
			connection.channel().setOption(StandardSocketOptions.SO_SNDBUF, 8 * 1024);
			ChannelPoller poller = new ChannelPoller(this.loop, connection.channel());
			ChannelStreams streams = new ChannelStreams(new TlsStreamTransport(connection.tls()), poller, null,
					WRITE_TIMEOUT, (writing) -> {
						this.timeouts.add(writing);
						poller.close();
					}, null);
			streams.outputStream().write(new byte[TOTAL]);
			assertThat(read.get(20, TimeUnit.SECONDS)).hasSize(TOTAL);
			assertThat(this.timeouts).isEmpty();
			poller.close();
			connection.channel().close();
		}
		finally {
			listener.close();
		}
	}

}
