package io.connlistener.boot.listener;

import java.io.IOException;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;

/**
 * The listening socket a process inherits as standard input, as inetd ({@code wait}) and
 * systemd ({@code StandardInput=socket} with {@code Accept=no}) pass it. The JDK offers it
 * as {@link System#inheritedChannel()}, once per process, so every call returns the same
 * channel.
 */
final class InheritedChannels {

	private static final Object lock = new Object();

	private static ServerSocketChannel claimedBy;

	private static String claimer;

	private InheritedChannels() {
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

}
