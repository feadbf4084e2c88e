package io.connlistener.boot.listener.sockets;

import java.io.IOException;
import java.net.StandardSocketOptions;
import java.nio.channels.ServerSocketChannel;

import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerDefinition;

/**
 * What it takes for one listener to accept on several sockets of one port: the platform's
 * {@code SO_REUSEPORT}.
 */
final class ReusePort {

	private ReusePort() {
	}

	/**
	 * Check that the platform can bind several sockets to one port.
	 * @throws ListenerConfigurationException naming the {@code acceptors} property if not
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
		String property = "conn-listener.listeners." + definition.name() + ".acceptors";
		throw new ListenerConfigurationException(definition.name(), property,
				"Listener '" + definition.name() + "' on " + definition.describeAddress() + " cannot start: " + property
						+ " is " + definition.deployment().acceptors()
						+ ", but this platform (" + System.getProperty("os.name")
						+ ") has no SO_REUSEPORT to bind several sockets to one port.",
				"Set " + property + " to 1, or run on a platform with SO_REUSEPORT, such as Linux 3.9 or later.");
	}

}
