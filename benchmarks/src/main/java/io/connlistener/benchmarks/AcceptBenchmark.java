package io.connlistener.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;

import io.connlistener.ConnListener;
import io.connlistener.ListenerOption;
import io.connlistener.loop.EventLoop;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.TearDown;
import org.openjdk.jmh.annotations.Warmup;

/**
 * The accept path over loopback: the client connects, the server accepts, hands the channel
 * to its callback, which closes it and counts; the client waits for the count and closes with
 * a reset, so no port lingers in {@code TIME_WAIT}. One operation is one such cycle.
 * <p>
 * {@code server=connlistener} accepts with a {@link ConnListener} on an {@link EventLoop}
 * (selector, accepts per wakeup, statistics, the accept-error governor); {@code server=jdk}
 * is the baseline every Java server starts from, a thread blocked in
 * {@link ServerSocketChannel#accept()}. The client's share of the time and of the bytes
 * {@code -prof gc} reports is the same for both, so their difference is the server's.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class AcceptBenchmark {

	/** Which server accepts. */
	@Param({ "connlistener", "jdk" })
	public String server;

	private final AtomicLong accepted = new AtomicLong();

	private long connected;

	private InetSocketAddress address;

	private EventLoop loop;

	private ConnListener listener;

	private ServerSocketChannel blocking;

	private Thread acceptor;

	@Setup(Level.Trial)
	public void bind() throws IOException {
		InetSocketAddress loopback = new InetSocketAddress("127.0.0.1", 0);
		if (this.server.equals("jdk")) {
			this.blocking = ServerSocketChannel.open().bind(loopback, 128);
			this.address = (InetSocketAddress) this.blocking.getLocalAddress();
			this.acceptor = new Thread(this::acceptBlocking, "benchmark-jdk-accept");
			this.acceptor.start();
		}
		else {
			this.loop = new EventLoop("benchmark-accept");
			this.listener = ConnListener.bind(this.loop, loopback, (l, channel, remote) -> closeAndCount(channel),
					EnumSet.of(ListenerOption.CLOSE_ON_FREE, ListenerOption.REUSEABLE), 128);
			this.address = (InetSocketAddress) this.listener.localAddress();
		}
	}

	private void acceptBlocking() {
		try {
			while (true) {
				closeAndCount(this.blocking.accept());
			}
		}
		catch (ClosedChannelException ex) {
			// Torn down.
		}
		catch (IOException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private void closeAndCount(SocketChannel channel) {
		try {
			channel.close();
		}
		catch (IOException ex) {
			// Counted all the same: the cycle is over for the client either way.
		}
		this.accepted.incrementAndGet();
	}

	@Benchmark
	public long acceptCycle() throws IOException {
		try (SocketChannel client = SocketChannel.open()) {
			client.setOption(StandardSocketOptions.SO_LINGER, 0);
			client.connect(this.address);
			long target = ++this.connected;
			while (this.accepted.get() < target) {
				Thread.onSpinWait();
			}
		}
		return this.connected;
	}

	@TearDown(Level.Trial)
	public void close() throws IOException, InterruptedException {
		if (this.listener != null) {
			this.listener.close();
			this.loop.close();
		}
		if (this.blocking != null) {
			this.blocking.close();
			this.acceptor.join(TimeUnit.SECONDS.toMillis(5));
		}
	}

}
