package io.connlistener.benchmarks;

import java.nio.ByteBuffer;
import java.util.concurrent.TimeUnit;

import io.connlistener.buffer.ConnectionBuffer;
import io.connlistener.framing.FrameDecoder;
import io.connlistener.framing.FrameTooLargeException;
import io.connlistener.framing.FrameType;
import io.connlistener.framing.Framing;
import io.connlistener.framing.FramingSettings;
import io.connlistener.framing.MalformedFrameException;
import org.openjdk.jmh.annotations.Benchmark;
import org.openjdk.jmh.annotations.BenchmarkMode;
import org.openjdk.jmh.annotations.Fork;
import org.openjdk.jmh.annotations.Level;
import org.openjdk.jmh.annotations.Measurement;
import org.openjdk.jmh.annotations.Mode;
import org.openjdk.jmh.annotations.OperationsPerInvocation;
import org.openjdk.jmh.annotations.OutputTimeUnit;
import org.openjdk.jmh.annotations.Param;
import org.openjdk.jmh.annotations.Scope;
import org.openjdk.jmh.annotations.Setup;
import org.openjdk.jmh.annotations.State;
import org.openjdk.jmh.annotations.Warmup;
import org.openjdk.jmh.infra.Blackhole;

/**
 * The frame decoders' hot path: frames of a 64-byte payload, lines ended by {@code \r\n} or
 * a 4-byte length field and its payload, are added to a {@link ConnectionBuffer}, a hundred
 * at a time as a read brings several, and decoded from it. One operation is one frame.
 * <p>
 * With {@code -prof gc}, {@code gc.alloc.rate.norm} of {@link #decode()} less that of
 * {@link #addAndDrain()}, which adds and drains the same bytes without decoding, is what
 * decoding allocates per frame: the frame's own buffer and nothing else. The rest is the
 * buffer's heap segments, which an unpooled buffer allocates anew for every 8 KiB and a
 * connection's pooled input does not.
 */
@State(Scope.Thread)
@BenchmarkMode(Mode.AverageTime)
@OutputTimeUnit(TimeUnit.NANOSECONDS)
@Warmup(iterations = 3, time = 2)
@Measurement(iterations = 5, time = 2)
@Fork(1)
public class FrameDecodeBenchmark {

	/** Payload size in bytes. */
	private static final int PAYLOAD = 64;

	/** Frames added at once, decoded one per operation. */
	private static final int FRAMES = 100;

	/** The framing: {@code LINE} or {@code LENGTH_FIELD}. */
	@Param({ "LINE", "LENGTH_FIELD" })
	public FrameType type;

	private FrameDecoder decoder;

	private ConnectionBuffer input;

	private byte[] frames;

	@Setup(Level.Trial)
	public void frame() {
		FramingSettings settings = FramingSettings.builder(this.type).build();
		byte[] payload = new byte[PAYLOAD];
		for (int i = 0; i < PAYLOAD; i++) {
			payload[i] = (byte) ('a' + (i % 26));
		}
		ConnectionBuffer encoded = new ConnectionBuffer();
		for (int i = 0; i < FRAMES; i++) {
			Framing.encoder(settings).encode(ByteBuffer.wrap(payload), encoded);
		}
		this.frames = new byte[encoded.readableBytes()];
		encoded.read(this.frames);
		this.decoder = Framing.decoder(settings);
		this.input = new ConnectionBuffer();
	}

	@Benchmark
	@OperationsPerInvocation(FRAMES)
	public void decode(Blackhole blackhole) throws FrameTooLargeException, MalformedFrameException {
		this.input.add(this.frames);
		for (int i = 0; i < FRAMES; i++) {
			blackhole.consume(this.decoder.next(this.input));
		}
	}

	@Benchmark
	@OperationsPerInvocation(FRAMES)
	public int addAndDrain() {
		this.input.add(this.frames);
		this.input.drain(this.frames.length);
		return this.input.readableBytes();
	}

}
