package io.connlistener.benchmarks;

import java.io.IOException;
import java.net.Socket;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the framed peers as the harness starts them: each one a child JVM on loopback with
 * its command line, sent the load generator's line and then {@code ECHO} commands pipelined in
 * one write and split over writes, each answered with its text ended by {@code \r\n}, then
 * stopped. The sample app's needs its packaged jar, which the build makes before this module's
 * tests.
 */
@Timeout(value = 120, unit = TimeUnit.SECONDS)
class FramedPeersTests {

	private static final List<String> JVM_FLAGS = List.of("-Xmx256m");

	@ParameterizedTest(name = "{0}")
	@ValueSource(strings = { PeerDefinition.NETTY_NIO_FRAMED, PeerDefinition.CONNLISTENER_FRAMED,
			PeerDefinition.SAMPLE_APP_FRAMED })
	void answersEachEchoCommandWithItsText(String name) throws Exception {
		PeerDefinition peer = PeerDefinition.all(new HarnessOptions().sampleAppJar())
			.stream()
			.filter((candidate) -> candidate.name().equals(name))
			.findFirst()
			.orElseThrow();
		assertThat(peer.protocol()).isEqualTo(Protocol.FRAMED);
		assertThat(peer.serves(Scenario.parse("framed-echo-100x64"))).isTrue();
		assertThat(peer.serves(Scenario.parse("echo-100x64"))).isFalse();
		assertThat(peer.unavailableReason()).as("why %s cannot run", name).isNull();
		List<String> command = peer.command(Path.of(System.getProperty("java.home"), "bin", "java").toString(),
				JVM_FLAGS, System.getProperty("java.class.path"), null);
		try (PeerProcess process = PeerProcess.start(name, command, peer.application(), peer.listener());
				Socket client = new Socket("127.0.0.1", process.awaitReady(Harness.STARTUP_TIMEOUT))) {
			// A wrong answer is short or long: a read that waits for more fails instead of hanging.
			client.setSoTimeout((int) Duration.ofSeconds(10).toMillis());
			ByteBuffer payload = ClientConnection.payload(64, true);
			byte[] line = new byte[payload.remaining()];
			payload.get(line);
			client.getOutputStream().write(line);
			String text = new String(line, StandardCharsets.US_ASCII).substring("ECHO ".length());
			assertThat(read(client, ClientConnection.replyLength(64, true))).isEqualTo(text);
			client.getOutputStream().write(ascii("ECHO one\r\nECHO two\nECHO thr"));
			client.getOutputStream().write(ascii("ee\r\n"));
			assertThat(read(client, "one\r\ntwo\r\nthree\r\n".length())).isEqualTo("one\r\ntwo\r\nthree\r\n");
			assertThat(client.getInputStream().available()).as("bytes beyond the answers").isZero();
		}
	}

	private static byte[] ascii(String text) {
		return text.getBytes(StandardCharsets.US_ASCII);
	}

	private static String read(Socket client, int length) throws IOException {
		return new String(client.getInputStream().readNBytes(length), StandardCharsets.US_ASCII);
	}

}
