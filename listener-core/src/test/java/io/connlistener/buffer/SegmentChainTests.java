package io.connlistener.buffer;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.GatheringByteChannel;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;

/**
 * Tests for {@link SegmentChain}, through the {@link ConnectionBuffer} that counts its bytes.
 */
@Timeout(10)
class SegmentChainTests {

	private static final int SEGMENT_SIZE = 64;

	private final BufferPool pool = new BufferPool(SEGMENT_SIZE);

	@Test
	void writeThatFailsAfterEarlierWritesWentOutLeavesTheCountOfWhatIsLeft() {
		ConnectionBuffer buffer = new ConnectionBuffer(this.pool, null);
		// One segment more than a gathering write takes: a second write is needed.
		buffer.add(new byte[65 * SEGMENT_SIZE]);
		FailingChannel channel = new FailingChannel(64 * SEGMENT_SIZE);
		assertThatIOException().isThrownBy(() -> buffer.writeTo(channel));
		assertThat(channel.written).isEqualTo(64 * SEGMENT_SIZE);
		assertThat(buffer.readableBytes()).isEqualTo(SEGMENT_SIZE);
		assertThat(buffer.segmentCount()).isOne();
		assertThat(buffer.read(new byte[2 * SEGMENT_SIZE])).isEqualTo(SEGMENT_SIZE);
		assertThat(this.pool.free()).isEqualTo(65);
	}

	/**
	 * Takes every byte it is given until it has taken its capacity, then fails.
	 */
	private static final class FailingChannel implements GatheringByteChannel {

		private final long capacity;

		private long written;

		FailingChannel(long capacity) {
			this.capacity = capacity;
		}

		@Override
		public long write(ByteBuffer[] sources, int offset, int length) throws IOException {
			long total = 0;
			for (int i = offset; i < offset + length; i++) {
				total += write(sources[i]);
			}
			return total;
		}

		@Override
		public long write(ByteBuffer[] sources) throws IOException {
			return write(sources, 0, sources.length);
		}

		@Override
		public int write(ByteBuffer source) throws IOException {
			if (this.written + source.remaining() > this.capacity) {
				throw new IOException("Connection reset by peer");
			}
			int count = source.remaining();
			source.position(source.limit());
			this.written += count;
			return count;
		}

		@Override
		public boolean isOpen() {
			return true;
		}

		@Override
		public void close() {
		}

	}

}
