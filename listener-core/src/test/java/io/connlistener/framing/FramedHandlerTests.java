package io.connlistener.framing;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.concurrent.Executors;
import java.util.concurrent.ScheduledExecutorService;
import java.util.concurrent.TimeUnit;

import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.testsupport.LogCapture;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link FramedHandler} over real loopback sockets.
 */
class FramedHandlerTests {

	private static final Duration WAIT = Duration.ofSeconds(20);

	private static final FramingSettings LINES = FramingSettings.builder(FrameType.LINE).build();

	@RegisterExtension
	final LogCapture log = LogCapture.julLoggers("io.connlistener");

	private final ScheduledExecutorService writer = Executors.newSingleThreadScheduledExecutor();

	private FramedServer server;

	@AfterEach
	void close() {
		this.writer.shutdownNow();
		if (this.server != null) {
			this.server.close();
		}
	}

	@Test
	@Timeout(30)
	void pipelinedLinesInOneWriteGetTwoRepliesInOrder() throws Exception {
		RecordingFrameHandler handler = serve(LINES, BufferedConnectionSettings.DEFAULTS);
		SocketChannel client = this.server.connect();
		FramedServer.write(client, ascii("a\r\nb\r\n"));
		assertThat(readAscii(client, "OK a\r\nOK b\r\n".length())).isEqualTo("OK a\r\nOK b\r\n");
		assertThat(handler.frames).containsExactly("a", "b");
	}

	@Test
	@Timeout(30)
	void lineSplitOverWritesSecondsApartArrivesOnce() throws Exception {
		RecordingFrameHandler handler = serve(LINES, BufferedConnectionSettings.DEFAULTS);
		SocketChannel client = this.server.connect();
		FramedServer.write(client, ascii("hel"));
		this.writer.schedule(() -> {
			FramedServer.write(client, ascii("lo\r"));
			return null;
		}, 1, TimeUnit.SECONDS);
		this.writer.schedule(() -> {
			FramedServer.write(client, ascii("\nnext\n"));
			return null;
		}, 2, TimeUnit.SECONDS);
		assertThat(readAscii(client, "OK hello\r\nOK next\r\n".length())).isEqualTo("OK hello\r\nOK next\r\n");
		assertThat(handler.frames).containsExactly("hello", "next");
	}

	private RecordingFrameHandler serve(FramingSettings framing, BufferedConnectionSettings settings)
			throws IOException {
		RecordingFrameHandler handler = new RecordingFrameHandler();
		this.server = new FramedServer(() -> RecordingFrameHandler.framed(framing, handler), settings);
		return handler;
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.ISO_8859_1);
	}

	private static String readAscii(SocketChannel client, int length) throws IOException {
		ByteBuffer buffer = ByteBuffer.allocate(length);
		while (buffer.hasRemaining()) {
			if (client.read(buffer) < 0) {
				break;
			}
		}
		return new String(buffer.array(), 0, buffer.position(), StandardCharsets.ISO_8859_1);
	}

}
