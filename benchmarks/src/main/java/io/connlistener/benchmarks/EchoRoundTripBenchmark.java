package io.connlistener.benchmarks;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.StandardSocketOptions;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.util.EnumSet;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.LongAdder;

import io.connlistener.ConnListener;
import io.connlistener.ListenerOption;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.BufferedConnections;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.buffer.TrafficCounter;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;
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
 * The buffered connection's hot path over a loopback connection: the client writes a
 * message, the loop reads it into the input, calls the handler, which moves it to the
 * output, and writes it back; the client reads the echo. One operation is one round trip.
 * <p>
 * With {@code -prof gc}, {@code gc.alloc.rate.norm} is the bytes allocated per round trip
 * by every thread, the loop's included; {@code counted} compares it, and the time, with and
 * without a traffic counter.
 */
@State(Scope.Benchmark)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class EchoRoundTripBenchmark {

	/** Message size in bytes. */
	@Param({ "64", "4096", "65536" })
	public int size;

	/**
	 * Whether the connection tells a traffic counter, as the starter's listeners do: a
	 * {@code LongAdder} per direction.
	 */
	@Param({ "false", "true" })
	public boolean counted;

	private final LongAdder received = new LongAdder();

	private final LongAdder sent = new LongAdder();

	private EventLoopGroup group;

	private EventLoop acceptLoop;

	private ConnListener listener;

	private SocketChannel client;

	private ByteBuffer message;

	private ByteBuffer echo;

	@Setup(Level.Trial)
	public void connect() throws IOException {
		this.group = new EventLoopGroup(1, "benchmark-io");
		this.acceptLoop = new EventLoop("benchmark-accept");
		BufferedHandler echoHandler = new BufferedHandler() {

			@Override
			public void onOpen(BufferedConnection connection) {
				try {
					connection.channel().setOption(StandardSocketOptions.TCP_NODELAY, true);
				}
				catch (IOException ex) {
					throw new IllegalStateException(ex);
				}
			}

			@Override
			public void onRead(BufferedConnection connection) {
				connection.input().moveTo(connection.output());
			}

		};
		TrafficCounter traffic = !this.counted ? TrafficCounter.NONE : new TrafficCounter() {

			@Override
			public void received(long bytes) {
				EchoRoundTripBenchmark.this.received.add(bytes);
			}

			@Override
			public void sent(long bytes) {
				EchoRoundTripBenchmark.this.sent.add(bytes);
			}

		};
		this.listener = ConnListener.bind(this.acceptLoop, new InetSocketAddress("127.0.0.1", 0),
				new BufferedConnections(this.group, () -> echoHandler, BufferedConnectionSettings.DEFAULTS,
						BufferedConnections.LoopChoice.ROUND_ROBIN, traffic),
				EnumSet.of(ListenerOption.CLOSE_ON_FREE), 16);
		this.client = SocketChannel.open(this.listener.localAddress());
		this.client.setOption(StandardSocketOptions.TCP_NODELAY, true);
		this.message = ByteBuffer.allocateDirect(this.size);
		while (this.message.hasRemaining()) {
			this.message.put((byte) this.message.position());
		}
		this.echo = ByteBuffer.allocateDirect(this.size);
	}

	@Benchmark
	public byte roundTrip() throws IOException {
		this.message.clear();
		while (this.message.hasRemaining()) {
			this.client.write(this.message);
		}
		this.echo.clear();
		while (this.echo.hasRemaining()) {
			if (this.client.read(this.echo) < 0) {
				throw new IOException("The server closed the connection");
			}
		}
		return this.echo.get(this.size - 1);
	}

	@TearDown(Level.Trial)
	public void close() throws IOException {
		this.client.close();
		this.listener.close();
		this.group.close();
		this.acceptLoop.close();
	}

}
