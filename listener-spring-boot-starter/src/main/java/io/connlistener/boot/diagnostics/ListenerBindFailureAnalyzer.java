package io.connlistener.boot.diagnostics;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.Locale;

import io.connlistener.boot.listener.ListenerBindException;
import io.connlistener.boot.listener.ListenerDefinition;

import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * Explains a {@link ListenerBindException}: the port is in use, the address is not one of
 * this machine's, or binding was not permitted.
 */
class ListenerBindFailureAnalyzer extends AbstractFailureAnalyzer<ListenerBindException> {

	private static final String PREFIX = "conn-listener.listeners.";

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, ListenerBindException cause) {
		String name = cause.getListenerName();
		SocketAddress address = cause.getAddress();
		String message = String.valueOf(cause.getCause().getMessage());
		String lower = message.toLowerCase(Locale.ROOT);
		String described = ListenerDefinition.describe(address);
		if (!(address instanceof InetSocketAddress inet)) {
			String path = PREFIX + name + ".path";
			if (lower.contains("answers on")) {
				return new FailureAnalysis("Listener '" + name + "' failed to start: another process listens on the "
						+ "Unix domain socket " + described + " (" + path + ").",
						"Stop the process that listens on it, or set " + path + " to another file.", cause);
			}
			if (lower.contains("already in use")) {
				return new FailureAnalysis("Listener '" + name + "' failed to start: the Unix domain socket "
						+ described + " (" + path + ") already exists.",
						"Stop the process that listens on it, or delete the file if it is left over, or set " + path
								+ " to another file.",
						cause);
			}
			return new FailureAnalysis("Listener '" + name + "' failed to start: binding the Unix domain socket "
					+ described + " (" + path + ") failed: " + message + ".",
					"Set " + path + " to a file in a directory this application may write to.", cause);
		}
		String port = PREFIX + name + ".port";
		String host = PREFIX + name + ".address";
		int portNumber = inet.getPort();
		String ip = (inet.getAddress() != null) ? inet.getAddress().getHostAddress() : inet.getHostString();
		if (lower.contains("already in use")) {
			return new FailureAnalysis("Listener '" + name + "' failed to start: port " + portNumber + " on " + ip
					+ " (" + port + ") was already in use.",
					"Identify and stop the process that is listening on port " + portNumber + ", or set " + port
							+ " to another port (0 picks a free one).",
					cause);
		}
		if (lower.contains("assign requested address") || lower.contains("address not available")) {
			return new FailureAnalysis("Listener '" + name + "' failed to start: " + ip + " (" + host
					+ ") is not an address of this machine, so port " + portNumber + " cannot be bound on it.",
					"Set " + host + " to an address of one of this machine's interfaces, such as 127.0.0.1, or to "
							+ "0.0.0.0 to listen on every IPv4 interface (:: for IPv6 too).",
					cause);
		}
		if (lower.contains("permission denied") || lower.contains("access denied")) {
			return new FailureAnalysis("Listener '" + name + "' failed to start: binding port " + portNumber + " on "
					+ ip + " (" + port + ") was not permitted"
					+ ((portNumber < 1024) ? "; ports below 1024 need privileges." : "."),
					"Set " + port + " to a port of 1024 or above, or give the JVM the right to bind it "
							+ "(on Linux, the CAP_NET_BIND_SERVICE capability).",
					cause);
		}
		return new FailureAnalysis("Listener '" + name + "' failed to start: binding " + described + " (" + port
				+ ", " + host + ") failed: " + message + ".",
				"Check " + host + " and " + port + ", and that no other process holds that address.", cause);
	}

}
