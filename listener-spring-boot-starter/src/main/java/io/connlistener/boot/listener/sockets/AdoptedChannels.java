package io.connlistener.boot.listener.sockets;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;

import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerDefinition;

/**
 * Channels that listeners adopt rather than bind. The listening socket a process inherits
 * as standard input, as inetd ({@code wait}) and systemd ({@code StandardInput=socket}
 * with {@code Accept=no}) pass it, is {@link System#inheritedChannel()}: one per process,
 * so one listener at most may adopt it. A listener that also names a port or path checks
 * that the adopted channel listens there, so that a socket unit and the application's
 * configuration cannot silently disagree.
 */
final class AdoptedChannels {

	private static final Object lock = new Object();

	private static ServerSocketChannel claimedBy;

	private static String claimer;

	private AdoptedChannels() {
	}

	static ServerSocketChannel inherited(ListenerDefinition definition) {
		Channel channel;
		try {
			channel = System.inheritedChannel();
		}
		catch (IOException | SecurityException ex) {
			throw noChannel(definition, "reading it failed: " + ex.getMessage());
		}
		if (channel == null) {
			throw noChannel(definition, "standard input of this process is not a socket");
		}
		if (!(channel instanceof ServerSocketChannel server)) {
			throw noChannel(definition, "standard input is a connected socket (" + channel.getClass().getSimpleName()
					+ "), as inetd's nowait or systemd's Accept=yes pass it, not a listening one");
		}
		synchronized (lock) {
			if (claimedBy == server && !definition.name().equals(claimer)) {
				throw noChannel(definition, "listener '" + claimer + "' listens on it already");
			}
			claimedBy = server;
			claimer = definition.name();
		}
		return server;
	}

	static ListenerConfigurationException noChannel(ListenerDefinition definition, String reason) {
		boolean bean = definition.deployment().source() == ListenerDefinition.Source.CHANNEL_BEAN;
		String property = "conn-listener.listeners." + definition.name() + "." + (bean ? "channel-bean" : "inherited");
		String value = bean ? "'" + definition.deployment().channelBean() + "'" : "true";
		return new ListenerConfigurationException(definition.name(), property,
				"Listener '" + definition.name() + "' cannot start: " + property + " is " + value + ", but " + reason
						+ ".",
				bean ? "Define a bound ServerSocketChannel bean of that name, or set " + property + " to the name of one."
						: "Start the application with a listening socket as standard input (systemd: StandardInput=socket "
								+ "in the service and Accept=no in the socket unit; inetd: wait), or remove " + property
								+ " and set port or path.");
	}

	/**
	 * Check that an adopted channel listens where the listener's port or path says.
	 * @throws ListenerConfigurationException naming the property that disagrees
	 */
	static void checkAddress(ListenerDefinition definition, SocketAddress actual) {
		SocketAddress expected = definition.address();
		String property = mismatch(expected, actual);
		if (property == null) {
			return;
		}
		String prefix = "conn-listener.listeners." + definition.name() + ".";
		String adopting = prefix + ((definition.deployment().source() == ListenerDefinition.Source.CHANNEL_BEAN)
				? "channel-bean" : "inherited");
		throw new ListenerConfigurationException(definition.name(), prefix + property,
				"Listener '" + definition.name() + "' cannot start: " + adopting + " adopts a channel listening on "
						+ ListenerDefinition.describe(actual) + ", but " + prefix + property + " says "
						+ ListenerDefinition.describe(expected) + ".",
				"Make them agree: set " + prefix + property + " to match the channel or remove it, or bind the channel "
						+ "elsewhere (systemd: ListenStream= in the socket unit).");
	}

	private static String mismatch(SocketAddress expected, SocketAddress actual) {
		if (expected == null) {
			return null;
		}
		if (expected instanceof UnixDomainSocketAddress unix) {
			boolean same = actual instanceof UnixDomainSocketAddress bound
					&& bound.getPath().toAbsolutePath().normalize().equals(unix.getPath().toAbsolutePath().normalize());
			return same ? null : "path";
		}
		if (!(expected instanceof InetSocketAddress inet) || !(actual instanceof InetSocketAddress bound)) {
			return "port";
		}
		if (inet.getPort() != 0 && inet.getPort() != bound.getPort()) {
			return "port";
		}
		boolean anyAddress = inet.getAddress() == null || inet.getAddress().isAnyLocalAddress();
		return (anyAddress || inet.getAddress().equals(bound.getAddress())) ? null : "address";
	}

}
