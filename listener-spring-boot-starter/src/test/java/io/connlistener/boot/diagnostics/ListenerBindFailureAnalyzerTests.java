package io.connlistener.boot.diagnostics;

import java.net.BindException;
import java.net.InetSocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.file.Path;

import io.connlistener.boot.listener.ListenerBindException;
import io.connlistener.boot.listener.ListenerBindException.Reason;
import org.junit.jupiter.api.Test;

import org.springframework.boot.diagnostics.FailureAnalysis;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ListenerBindFailureAnalyzer} with constructed failures: the build runs
 * as root, where binding a low port never fails.
 */
class ListenerBindFailureAnalyzerTests {

	private final ListenerBindFailureAnalyzer analyzer = new ListenerBindFailureAnalyzer();

	@Test
	void permissionDeniedOnALowPort() {
		FailureAnalysis analysis = this.analyzer.analyze(new IllegalStateException("start failed",
				new ListenerBindException("echo", new InetSocketAddress("0.0.0.0", 80), Reason.PERMISSION_DENIED,
						new BindException("Permission denied (binding 0.0.0.0:80)"))));
		assertThat(analysis.getDescription()).isEqualTo("Listener 'echo' failed to start: binding port 80 on 0.0.0.0 "
				+ "(conn-listener.listeners.echo.port) was not permitted; ports below 1024 need privileges.");
		assertThat(analysis.getAction()).isEqualTo("Set conn-listener.listeners.echo.port to a port of 1024 or above, "
				+ "or give the JVM the right to bind it (on Linux, the CAP_NET_BIND_SERVICE capability).");
	}

	@Test
	void unixSocketFileThatExists() {
		FailureAnalysis analysis = this.analyzer.analyze(new ListenerBindException("local",
				UnixDomainSocketAddress.of(Path.of("/run/app.sock")), Reason.ADDRESS_IN_USE,
				new BindException("Address already in use")));
		assertThat(analysis.getDescription()).isEqualTo("Listener 'local' failed to start: the Unix domain socket "
				+ "unix:/run/app.sock (conn-listener.listeners.local.path) already exists.");
		assertThat(analysis.getAction()).isEqualTo("Stop the process that listens on it, or delete the file if it is "
				+ "left over, or set conn-listener.listeners.local.path to another file.");
	}

	@Test
	void otherFailureNamesAddressAndPort() {
		FailureAnalysis analysis = this.analyzer.analyze(new ListenerBindException("echo",
				new InetSocketAddress("127.0.0.1", 9876), Reason.OTHER, new BindException("Protocol not available")));
		assertThat(analysis.getDescription()).isEqualTo("Listener 'echo' failed to start: binding 127.0.0.1:9876 "
				+ "(conn-listener.listeners.echo.port, conn-listener.listeners.echo.address) failed: "
				+ "Protocol not available.");
		assertThat(analysis.getAction()).isEqualTo("Check conn-listener.listeners.echo.address and "
				+ "conn-listener.listeners.echo.port, and that no other process holds that address.");
	}

	@Test
	void portInUseIsToldByTheReasonWhateverTheMessageSays() {
		// A localized JDK, or a message that reads like another failure: the reason decides.
		FailureAnalysis analysis = this.analyzer.analyze(new ListenerBindException("echo",
				new InetSocketAddress("127.0.0.1", 9876), Reason.ADDRESS_IN_USE,
				new BindException("Die Adresse wird bereits verwendet (Permission denied?)")));
		assertThat(analysis.getDescription()).isEqualTo("Listener 'echo' failed to start: port 9876 on 127.0.0.1 "
				+ "(conn-listener.listeners.echo.port) was already in use.");
		assertThat(analysis.getAction()).isEqualTo("Identify and stop the process that is listening on port 9876, "
				+ "or set conn-listener.listeners.echo.port to another port (0 picks a free one).");
	}

	@Test
	void unixSocketFileThatAnotherProcessAnswersOnIsToldByTheReason() {
		FailureAnalysis analysis = this.analyzer.analyze(new ListenerBindException("local",
				UnixDomainSocketAddress.of(Path.of("/run/app.sock")), Reason.SOCKET_FILE_ANSWERED,
				new BindException("Address already in use")));
		assertThat(analysis.getDescription()).isEqualTo("Listener 'local' failed to start: another process listens "
				+ "on the Unix domain socket unix:/run/app.sock (conn-listener.listeners.local.path).");
		assertThat(analysis.getAction()).isEqualTo("Stop the process that listens on it, or set "
				+ "conn-listener.listeners.local.path to another file.");
	}

	@Test
	void addressNotOfThisMachineIsToldByTheReason() {
		FailureAnalysis analysis = this.analyzer.analyze(new ListenerBindException("echo",
				new InetSocketAddress("192.0.2.1", 9876), Reason.ADDRESS_NOT_AVAILABLE, new BindException("")));
		assertThat(analysis.getDescription()).isEqualTo("Listener 'echo' failed to start: 192.0.2.1 "
				+ "(conn-listener.listeners.echo.address) is not an address of this machine, so port 9876 cannot be "
				+ "bound on it.");
	}

}
