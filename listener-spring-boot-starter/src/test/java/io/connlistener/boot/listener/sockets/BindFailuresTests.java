package io.connlistener.boot.listener.sockets;

import java.io.IOException;
import java.net.BindException;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.SocketException;
import java.nio.channels.ServerSocketChannel;
import java.nio.file.Path;

import io.connlistener.boot.listener.ListenerBindException.Reason;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.catchThrowableOfType;

/**
 * Tests for {@link BindFailures}.
 */
class BindFailuresTests {

	@Test
	void portThatAnotherSocketHoldsIsInUse() throws IOException {
		try (ServerSocketChannel taken = ServerSocketChannel.open()
			.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0), 1)) {
			assertThat(BindFailures.reason(bindFailure(taken.getLocalAddress()))).isEqualTo(Reason.ADDRESS_IN_USE);
		}
	}

	@Test
	void addressThatNoInterfaceHoldsIsNotAvailable() throws IOException {
		// 192.0.2.1 is TEST-NET-1 (RFC 5737): an IP literal no interface holds.
		BindException failure = bindFailure(new InetSocketAddress(InetAddress.getByName("192.0.2.1"), 0));
		assertThat(BindFailures.reason(failure)).isEqualTo(Reason.ADDRESS_NOT_AVAILABLE);
	}

	@Test
	void bindThatIsNotPermittedIsDenied() {
		// The build runs as root, where binding a low port never fails.
		assertThat(BindFailures.reason(new BindException("Permission denied (binding 0.0.0.0:80)")))
			.isEqualTo(Reason.PERMISSION_DENIED);
	}

	@Test
	void socketFileThatAProcessAnswersOnIsToldByItsTypeAlthoughItReadsAsInUse() {
		UnixSocketFile.AnsweredException failure = new UnixSocketFile.AnsweredException(Path.of("/run/app.sock"));
		assertThat(failure).hasMessageContaining("already in use");
		assertThat(BindFailures.reason(failure)).isEqualTo(Reason.SOCKET_FILE_ANSWERED);
	}

	@Test
	void failureThatIsNoBindExceptionIsOtherWhateverItSays() {
		assertThat(BindFailures.reason(new SocketException("Address already in use"))).isEqualTo(Reason.OTHER);
		assertThat(BindFailures.reason(new BindException("Protocol not available"))).isEqualTo(Reason.OTHER);
	}

	private static BindException bindFailure(SocketAddress address) throws IOException {
		try (ServerSocketChannel channel = ServerSocketChannel.open()) {
			return catchThrowableOfType(BindException.class, () -> channel.bind(address, 1));
		}
	}

}
