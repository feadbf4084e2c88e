package io.connlistener.boot.diagnostics;

import java.net.InetSocketAddress;

import io.connlistener.boot.listener.ListenerBindException;
import io.connlistener.boot.listener.ListenerDefinition;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ListenerBindException} by its {@link ListenerBindException#getReason()
 * reason}: the port is in use, the address is not one of this machine's, or binding was
 * not permitted.
 */
class ListenerBindFailureAnalyzer extends AbstractFailureAnalyzer<ListenerBindException> {

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ListenerBindException cause) {
		if (cause.getAddress() instanceof InetSocketAddress inet) {
			return analyzeTcp(cause, inet);
		}
		return analyzeUnix(cause);
	}

	private FailureAnalysis analyzeUnix(ListenerBindException cause) {
		String name = cause.getListenerName();
		String path = ListenerPropertyNames.listener(name, "path");
		String socket = "the Unix domain socket " + ListenerDefinition.describe(cause.getAddress()) + " (" + path + ")";
		return switch (cause.getReason()) {
			case SOCKET_FILE_ANSWERED -> new FailureAnalysis("Listener '" + name + "' failed to start: another process "
					+ "listens on " + socket + ".",
					"Stop the process that listens on it, or set " + path + " to another file.", cause);
			case ADDRESS_IN_USE -> new FailureAnalysis("Listener '" + name + "' failed to start: " + socket
					+ " already exists.", "Stop the process that listens on it, or delete the file if it is left over, "
							+ "or set " + path + " to another file.",
					cause);
			default -> new FailureAnalysis("Listener '" + name + "' failed to start: binding " + socket + " failed: "
					+ cause.getCause().getMessage() + ".",
					"Set " + path + " to a file in a directory this application may write to.", cause);
		};
	}

	private FailureAnalysis analyzeTcp(ListenerBindException cause, InetSocketAddress address) {
		String name = cause.getListenerName();
		String port = ListenerPropertyNames.listener(name, "port");
		String host = ListenerPropertyNames.listener(name, "address");
		int portNumber = address.getPort();
		String ip = (address.getAddress() != null) ? address.getAddress().getHostAddress() : address.getHostString();
		return switch (cause.getReason()) {
			case ADDRESS_IN_USE -> new FailureAnalysis("Listener '" + name + "' failed to start: port " + portNumber
					+ " on " + ip + " (" + port + ") was already in use.",
					"Identify and stop the process that is listening on port " + portNumber + ", or set " + port
							+ " to another port (0 picks a free one).",
					cause);
			case ADDRESS_NOT_AVAILABLE -> new FailureAnalysis("Listener '" + name + "' failed to start: " + ip + " ("
					+ host + ") is not an address of this machine, so port " + portNumber + " cannot be bound on it.",
					"Set " + host + " to an address of one of this machine's interfaces, such as 127.0.0.1, or to "
							+ "0.0.0.0 to listen on every IPv4 interface (:: for IPv6 too).",
					cause);
			case PERMISSION_DENIED -> new FailureAnalysis("Listener '" + name + "' failed to start: binding port "
					+ portNumber + " on " + ip + " (" + port + ") was not permitted"
					+ ((portNumber < 1024) ? "; ports below 1024 need privileges." : "."),
					"Set " + port + " to a port of 1024 or above, or give the JVM the right to bind it "
							+ "(on Linux, the CAP_NET_BIND_SERVICE capability).",
					cause);
			default -> new FailureAnalysis("Listener '" + name + "' failed to start: binding "
					+ ListenerDefinition.describe(address) + " (" + port + ", " + host + ") failed: "
					+ cause.getCause().getMessage() + ".",
					"Check " + host + " and " + port + ", and that no other process holds that address.", cause);
		};
	}

}
