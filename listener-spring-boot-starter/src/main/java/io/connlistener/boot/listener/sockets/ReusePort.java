package io.connlistener.boot.listener.sockets;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ListenerProblem;

/**
 * What it takes for one listener to accept on several sockets of one port: the platform's
 * {@code SO_REUSEPORT}.
 */
final class ReusePort {

	private ReusePort() {
	}

	/**
	 * Check that the platform can bind several sockets to one port.
	 * @throws ListenerConfigurationException with the {@code acceptors} key if not
	 */
	static void checkReusePort(ListenerDefinition definition) {
		boolean supported;
		try (ServerSocketChannel probe = ServerSocketChannel.open()) {
			supported = probe.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT);
		}
		catch (IOException ex) {
			supported = false;
		}
		checkReusePort(definition, supported);
	}

	static void checkReusePort(ListenerDefinition definition, boolean supported) {
		if (supported) {
			return;
		}
		throw new ListenerConfigurationException(ListenerProblem.NO_REUSEPORT, definition.name(),
				definition.describeAddress(), "acceptors", definition.deployment().acceptors());
	}

}
