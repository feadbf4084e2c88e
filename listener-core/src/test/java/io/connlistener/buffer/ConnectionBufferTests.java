package io.connlistener.buffer;

import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link ConnectionBuffer} and {@link BufferPool}.
 */
@Timeout(10)
class ConnectionBufferTests {

	private final BufferPool pool = new BufferPool(64);

	@Test
	void addedBytesAreReadBackInOrderAcrossSegments() {
		ConnectionBuffer buffer = new ConnectionBuffer(this.pool, null);
		byte[] bytes = sequence(200);
		buffer.add(bytes, 0, 100);
		buffer.add(ByteBuffer.wrap(bytes, 100, 100));
		assertThat(buffer.readableBytes()).isEqualTo(200);
		assertThat(buffer.segmentCount()).isEqualTo(4);
		byte[] read = new byte[150];
		assertThat(buffer.read(read)).isEqualTo(150);
		ByteBuffer rest = ByteBuffer.allocate(100);
		assertThat(buffer.read(rest)).isEqualTo(50);
		assertThat(buffer.isEmpty()).isTrue();
		byte[] all = new byte[200];
		System.arraycopy(read, 0, all, 0, 150);
		rest.flip().get(all, 150, 50);
		assertThat(all).isEqualTo(bytes);
	}

	@Test
	void addingAByteBufferCopiesItsRemainingBytesAndAdvancesIt() {
		ConnectionBuffer buffer = new ConnectionBuffer(this.pool, null);
		ByteBuffer source = ByteBuffer.wrap(sequence(10));
		source.position(4);
		buffer.add(source);
		assertThat(source.hasRemaining()).isFalse();
		assertThat(buffer.readableBytes()).isEqualTo(6);
		assertThat(buffer.getByte(0)).isEqualTo((byte) 4);
	}

	@Test
	void moveToMovesTheSameSegmentsWithoutCopying() {
		ConnectionBuffer source = new ConnectionBuffer(this.pool, null);
		ConnectionBuffer target = new ConnectionBuffer(this.pool, null);
		target.add(sequence(10));
		source.add(sequence(150));
		List<ByteBuffer> moved = new ArrayList<>();
		for (int i = 0; i < source.segmentCount(); i++) {
			moved.add(source.segment(i));
		}
		long allocated = this.pool.allocated();
		source.moveTo(target);
		assertThat(source.readableBytes()).isZero();
		assertThat(source.segmentCount()).isZero();
		assertThat(target.readableBytes()).isEqualTo(160);
		assertThat(target.segmentCount()).isEqualTo(1 + moved.size());
		for (int i = 0; i < moved.size(); i++) {
			assertThat(target.segment(1 + i)).isSameAs(moved.get(i));
		}
		assertThat(this.pool.allocated()).isEqualTo(allocated);
		byte[] read = new byte[160];
		target.read(read);
		assertThat(read[10]).isEqualTo((byte) 0);
		assertThat(read[159]).isEqualTo((byte) 149);
	}

	@Test
	void moveToItselfIsRefused() {
		ConnectionBuffer buffer = new ConnectionBuffer(this.pool, null);
		assertThatIllegalArgumentException().isThrownBy(() -> buffer.moveTo(buffer));
	}

	@Test
	void drainedSegmentsGoBackToThePoolAndAreReused() {
		ConnectionBuffer buffer = new ConnectionBuffer(this.pool, null);
		buffer.add(sequence(128));
		ByteBuffer first = buffer.segment(0);
		ByteBuffer second = buffer.segment(1);
		buffer.drain(1000);
		assertThat(buffer.isEmpty()).isTrue();
		assertThat(this.pool.free()).isEqualTo(2);
		long allocated = this.pool.allocated();
		for (int i = 0; i < 1000; i++) {
			buffer.add(sequence(100));
			buffer.drain(100);
		}
		assertThat(this.pool.allocated()).isEqualTo(allocated);
		buffer.add(sequence(1));
		assertThat(buffer.segment(0)).isIn(first, second);
	}

	@Test
	void readLineReturnsLinesEndedByLineFeedOrCarriageReturnLineFeed() {
		ConnectionBuffer buffer = new ConnectionBuffer(this.pool, null);
		buffer.add("first\r\nsécond\nthird", StandardCharsets.UTF_8);
		assertThat(buffer.readLine()).isEqualTo("first");
		assertThat(buffer.readLine()).isEqualTo("sécond");
		assertThat(buffer.readLine()).isNull();
		assertThat(buffer.readableBytes()).isEqualTo(5);
		assertThat(buffer.indexOf((byte) 'd')).isEqualTo(4);
	}

	@Test
	void indexOfSearchesARangeAcrossSegmentsOnly() {
		ConnectionBuffer buffer = new ConnectionBuffer(this.pool, null);
		// Four segments of 64 bytes after 10 drained: byte i at index i - 10.
		buffer.add(sequence(256));
		buffer.drain(10);
		assertThat(buffer.indexOf((byte) 100)).isEqualTo(90);
		assertThat(buffer.indexOf((byte) 100, 90)).isEqualTo(90);
		assertThat(buffer.indexOf((byte) 100, 91)).isEqualTo(-1);
		assertThat(buffer.indexOf((byte) 100, 60, 91)).isEqualTo(90);
		assertThat(buffer.indexOf((byte) 100, 60, 90)).as("the end is exclusive").isEqualTo(-1);
		assertThat(buffer.indexOf((byte) 250, 200, 1000)).as("an end past the bytes").isEqualTo(240);
		assertThat(buffer.indexOf((byte) 5)).as("drained").isEqualTo(-1);
		assertThat(buffer.indexOf((byte) 20, 500)).isEqualTo(-1);
		assertThatIllegalArgumentException().isThrownBy(() -> buffer.indexOf((byte) 0, -1));
	}

	@Test
	void aFreedBufferDropsWhatIsAddedAndReleasesItsSegments() {
		ConnectionBuffer buffer = new ConnectionBuffer(this.pool, null);
		buffer.add(sequence(100));
		buffer.free();
		assertThat(this.pool.free()).isEqualTo(2);
		buffer.add(sequence(100));
		assertThat(buffer.readableBytes()).isZero();
	}

	@Test
	void anUnpooledBufferCanBeMovedToAPooledOne() {
		ConnectionBuffer message = new ConnectionBuffer();
		message.add("hello", StandardCharsets.US_ASCII);
		ConnectionBuffer output = new ConnectionBuffer(this.pool, null);
		message.moveTo(output);
		output.drain(5);
		assertThat(this.pool.free()).isZero();
	}

	static byte[] sequence(int length) {
		byte[] bytes = new byte[length];
		for (int i = 0; i < length; i++) {
			bytes[i] = (byte) i;
		}
		return bytes;
	}

}
