package io.connlistener.internal.tls;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ReadableByteChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayDeque;
import java.util.Arrays;
import java.util.Deque;
import java.util.List;

import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import io.connlistener.internal.tls.ClientHelloReader.Status;
import io.connlistener.testsupport.Figures;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link ClientHelloReader}: real ClientHellos from the JDK's client engine, and
 * crafted records that claim too much, trickle, or are not TLS at all. The channel is a
 * queue of the chunks a client would have sent.
 */
class ClientHelloReaderTests {

	private static final int CAP = 16384;

	@Test
	void readsTheServerNameAndApplicationProtocolsOfARealClientHello() throws Exception {
		byte[] hello = clientHello("a.example.test", "h2", "echo/1");
		ClientHelloReader reader = new ClientHelloReader(CAP);
		assertThat(reader.read(new Chunks(hello))).isEqualTo(Status.COMPLETE);
		assertThat(reader.serverName()).isEqualTo("a.example.test");
		assertThat(reader.applicationProtocols()).containsExactly("h2", "echo/1");
		assertThat(reader.received()).isEqualTo(ByteBuffer.wrap(hello));
	}

	@Test
	void clientHelloWithoutExtensionsOfInterestHasNoServerNameNorProtocols() throws Exception {
		ClientHelloReader reader = new ClientHelloReader(CAP);
		assertThat(reader.read(new Chunks(clientHello(null)))).isEqualTo(Status.COMPLETE);
		assertThat(reader.serverName()).isNull();
		assertThat(reader.applicationProtocols()).isEmpty();
	}

	@Test
	void clientHelloArrivingByteByByteIsReadAsItArrives() throws Exception {
		byte[] hello = clientHello("b.example.test");
		Chunks chunks = new Chunks();
		ClientHelloReader reader = new ClientHelloReader(CAP);
		for (int i = 0; i < hello.length - 1; i++) {
			chunks.add(new byte[] { hello[i] });
			assertThat(reader.read(chunks)).isEqualTo(Status.INCOMPLETE);
		}
		chunks.add(new byte[] { hello[hello.length - 1] });
		assertThat(reader.read(chunks)).isEqualTo(Status.COMPLETE);
		assertThat(reader.serverName()).isEqualTo("b.example.test");
		assertThat(reader.received()).isEqualTo(ByteBuffer.wrap(hello));
	}

	@Test
	void clientHelloCutIntoSeveralRecordsIsGathered() throws Exception {
		byte[] hello = clientHello("a.example.test", "echo/1");
		byte[] fragmented = fragment(hello, 7);
		ClientHelloReader reader = new ClientHelloReader(CAP);
		assertThat(reader.read(new Chunks(fragmented))).isEqualTo(Status.COMPLETE);
		assertThat(reader.serverName()).isEqualTo("a.example.test");
		assertThat(reader.applicationProtocols()).containsExactly("echo/1");
		assertThat(reader.received()).isEqualTo(ByteBuffer.wrap(fragmented));
	}

	@Test
	void plainTextFailsAtItsFirstByte() throws Exception {
		ClientHelloReader reader = new ClientHelloReader(CAP);
		assertThat(reader.read(new Chunks("G".getBytes(StandardCharsets.US_ASCII)))).isEqualTo(Status.FAILED);
		assertThat(reader.problem()).isEqualTo("the first byte is not that of a TLS handshake record");
	}

	@Test
	void recordOfAnotherVersionFails() throws Exception {
		ClientHelloReader reader = new ClientHelloReader(CAP);
		assertThat(reader.read(new Chunks(new byte[] { 22, 9 }))).isEqualTo(Status.FAILED);
	}

	@Test
	void recordClaimingMoreThanTheCapIsTooLargeAsSoonAsItsHeaderArrives() throws Exception {
		ClientHelloReader reader = new ClientHelloReader(CAP);
		assertThat(reader.read(new Chunks(new byte[] { 22, 3, 1, (byte) 0xff, (byte) 0xff })))
			.isEqualTo(Status.TOO_LARGE);
		assertThat(reader.problem()).contains("claims 65535 bytes");
		// Nothing was allocated for the claim: the buffer is the first read's.
		assertThat(reader.capacity()).isEqualTo(2048);
		Figures.record("tls-client-hello-claim", "a record header claiming 64 KiB was refused holding %d bytes",
				reader.capacity());
	}

	@Test
	void clientHelloClaimingMoreThanTheCapIsTooLargeAsSoonAsItsHeaderArrives() throws Exception {
		ClientHelloReader reader = new ClientHelloReader(CAP);
		// A 100-byte record whose ClientHello claims 16 MiB.
		byte[] start = { 22, 3, 1, 0, 100, 1, (byte) 0xff, (byte) 0xff, (byte) 0xff };
		assertThat(reader.read(new Chunks(start))).isEqualTo(Status.TOO_LARGE);
		assertThat(reader.problem()).contains("claims 16777215 bytes");
		assertThat(reader.capacity()).isEqualTo(2048);
	}

	@Test
	void tricklingClientHelloOfTinyRecordsIsTooLargeOnceItsRecordsCannotFitTheCap() throws Exception {
		// Records of one byte each (six on the wire) of a ClientHello that claims just under the
		// cap: their headers take it past the cap long before the cap has arrived.
		int helloLength = CAP - 100;
		byte[] body = new byte[4 + helloLength];
		body[0] = 1;
		body[1] = (byte) (helloLength >>> 16);
		body[2] = (byte) (helloLength >>> 8);
		body[3] = (byte) helloLength;
		byte[] records = fragment(body, 1);
		ClientHelloReader reader = new ClientHelloReader(CAP);
		Chunks chunks = new Chunks();
		int sent = 0;
		int largest = 0;
		Status status = Status.INCOMPLETE;
		while (status == Status.INCOMPLETE && sent < records.length) {
			int count = Math.min(600, records.length - sent);
			chunks.add(Arrays.copyOfRange(records, sent, sent + count));
			sent += count;
			status = reader.read(chunks);
			largest = Math.max(largest, reader.capacity());
			assertThat(reader.capacity()).isLessThanOrEqualTo(CAP);
		}
		assertThat(status).isEqualTo(Status.TOO_LARGE);
		assertThat(reader.problem()).isEqualTo("the ClientHello's records take it past 16384 bytes");
		assertThat(sent).isEqualTo(600);
		assertThat(largest).isEqualTo(2048);
		Figures.record("tls-client-hello-fragments", "a ClientHello of 1-byte records was refused after %d bytes,"
				+ " holding at most %d bytes (cap %d)", sent, largest, CAP);
	}

	@Test
	void tricklingClientHelloWithinTheCapHoldsNoMoreThanTheCap() throws Exception {
		// One record that claims a ClientHello as large as the cap allows, sent 500 bytes at a time.
		int helloLength = CAP - 9;
		byte[] body = new byte[4 + helloLength];
		body[0] = 1;
		body[1] = (byte) (helloLength >>> 16);
		body[2] = (byte) (helloLength >>> 8);
		body[3] = (byte) helloLength;
		byte[] record = fragment(body, body.length);
		assertThat(record).hasSize(CAP);
		ClientHelloReader reader = new ClientHelloReader(CAP);
		Chunks chunks = new Chunks();
		int largest = 0;
		for (int sent = 0; sent < record.length - 500; sent += 500) {
			chunks.add(Arrays.copyOfRange(record, sent, sent + 500));
			assertThat(reader.read(chunks)).isEqualTo(Status.INCOMPLETE);
			largest = Math.max(largest, reader.capacity());
		}
		assertThat(largest).isEqualTo(CAP);
		Figures.record("tls-client-hello-trickle", "a ClientHello trickled within the cap held %d bytes (cap %d)"
				+ " until the handshake timeout", largest, CAP);
	}

	@Test
	void bufferGrowsToTheClaimNotToTheCap() throws Exception {
		// A ClientHello of 3000 bytes, in one record: more than the first buffer, less than the cap.
		byte[] body = new byte[4 + 3000];
		body[0] = 1;
		body[2] = (byte) (3000 >>> 8);
		body[3] = (byte) 3000;
		byte[] record = fragment(body, body.length);
		ClientHelloReader reader = new ClientHelloReader(CAP);
		assertThat(reader.read(new Chunks(Arrays.copyOf(record, 2500)))).isEqualTo(Status.INCOMPLETE);
		assertThat(reader.capacity()).isEqualTo(record.length);
	}

	@Test
	void firstHandshakeMessageOtherThanClientHelloFails() throws Exception {
		ClientHelloReader reader = new ClientHelloReader(CAP);
		assertThat(reader.read(new Chunks(new byte[] { 22, 3, 3, 0, 10, 2, 0, 0, 6 }))).isEqualTo(Status.FAILED);
		assertThat(reader.problem()).isEqualTo("the first handshake message is not a ClientHello");
	}

	@Test
	void recordOfAnotherTypeWithinTheClientHelloFails() throws Exception {
		byte[] hello = fragment(clientHello("a.example.test"), 100);
		byte[] mixed = Arrays.copyOf(hello, 105 + 5);
		mixed[105] = 23;
		ClientHelloReader reader = new ClientHelloReader(CAP);
		assertThat(reader.read(new Chunks(mixed))).isEqualTo(Status.FAILED);
		assertThat(reader.problem()).isEqualTo("a record within the ClientHello is not a handshake record");
	}

	@Test
	void malformedClientHelloFails() throws Exception {
		// A ClientHello of 40 bytes: too short for its random and session id.
		byte[] body = new byte[4 + 40];
		body[0] = 1;
		body[3] = 40;
		Arrays.fill(body, 4 + 34, body.length, (byte) 0xff);
		ClientHelloReader reader = new ClientHelloReader(CAP);
		assertThat(reader.read(new Chunks(fragment(body, body.length)))).isEqualTo(Status.FAILED);
		assertThat(reader.problem()).isEqualTo("the ClientHello is malformed");
	}

	@Test
	void endOfStreamBeforeAWholeClientHelloIsAnError() throws Exception {
		byte[] hello = clientHello("a.example.test");
		Chunks chunks = new Chunks(Arrays.copyOf(hello, 50));
		chunks.end();
		ClientHelloReader reader = new ClientHelloReader(CAP);
		assertThatExceptionOfType(EOFException.class).isThrownBy(() -> reader.read(chunks))
			.withMessageContaining("after 50 bytes");
	}

	/**
	 * Return the ClientHello the JDK's client engine sends first.
	 */
	static byte[] clientHello(String serverName, String... applicationProtocols) throws Exception {
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(null, null, null);
		SSLEngine engine = context.createSSLEngine("localhost", 443);
		engine.setUseClientMode(true);
		SSLParameters parameters = engine.getSSLParameters();
		parameters.setServerNames((serverName != null) ? List.of(new SNIHostName(serverName)) : List.of());
		parameters.setApplicationProtocols(applicationProtocols);
		engine.setSSLParameters(parameters);
		ByteBuffer out = ByteBuffer.allocate(engine.getSession().getPacketBufferSize());
		engine.wrap(ByteBuffer.allocate(0), out);
		Runnable task;
		while ((task = engine.getDelegatedTask()) != null) {
			task.run();
		}
		if (out.position() == 0) {
			engine.wrap(ByteBuffer.allocate(0), out);
		}
		out.flip();
		byte[] bytes = new byte[out.remaining()];
		out.get(bytes);
		return bytes;
	}

	/**
	 * Cut the handshake bytes of a record (or raw handshake bytes when the first byte is not
	 * 22) into records of at most {@code size} bytes of fragment.
	 */
	static byte[] fragment(byte[] bytes, int size) {
		byte[] handshake = (bytes[0] == 22) ? Arrays.copyOfRange(bytes, 5, bytes.length) : bytes;
		ByteBuffer out = ByteBuffer.allocate(handshake.length + 5 * (handshake.length / size + 1));
		for (int at = 0; at < handshake.length; at += size) {
			int length = Math.min(size, handshake.length - at);
			out.put((byte) 22).put((byte) 3).put((byte) 1).putShort((short) length).put(handshake, at, length);
		}
		return Arrays.copyOf(out.array(), out.position());
	}

	/**
	 * The chunks a client sent, as a non-blocking channel reads them: what has arrived, then 0.
	 */
	static final class Chunks implements ReadableByteChannel {

		private final Deque<ByteBuffer> chunks = new ArrayDeque<>();

		private boolean ended;

		Chunks(byte[]... chunks) {
			for (byte[] chunk : chunks) {
				add(chunk);
			}
		}

		void add(byte[] chunk) {
			this.chunks.add(ByteBuffer.wrap(chunk));
		}

		void end() {
			this.ended = true;
		}

		@Override
		public int read(ByteBuffer dst) throws IOException {
			int read = 0;
			while (dst.hasRemaining() && !this.chunks.isEmpty()) {
				ByteBuffer first = this.chunks.peek();
				int count = Math.min(dst.remaining(), first.remaining());
				dst.put(first.slice(first.position(), count));
				first.position(first.position() + count);
				read += count;
				if (!first.hasRemaining()) {
					this.chunks.poll();
				}
			}
			return (read == 0 && this.ended) ? -1 : read;
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
