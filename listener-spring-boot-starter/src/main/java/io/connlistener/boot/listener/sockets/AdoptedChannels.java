package io.connlistener.boot.listener.sockets;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.Channel;
import java.nio.channels.ServerSocketChannel;

import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ListenerProblem;

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
			throw noChannel(definition, ListenerProblem.UNREADABLE_INHERITED_CHANNEL, ex);
		}
		if (channel == null) {
			throw noChannel(definition, ListenerProblem.NO_INHERITED_SOCKET, null);
		}
		if (!(channel instanceof ServerSocketChannel server)) {
			throw noChannel(definition, ListenerProblem.CONNECTED_INHERITED_SOCKET, null,
					channel.getClass().getSimpleName());
		}
		synchronized (lock) {
			if (claimedBy == server && !definition.name().equals(claimer)) {
				throw noChannel(definition, ListenerProblem.INHERITED_CHANNEL_TAKEN, null, claimer);
			}
			claimedBy = server;
			claimer = definition.name();
		}
		return server;
	}

	/**
	 * Create the exception for a channel the listener cannot adopt, naming the key that
	 * adopts it.
	 */
	static ListenerConfigurationException noChannel(ListenerDefinition definition, ListenerProblem problem,
			Throwable cause, Object... details) {
		boolean bean = definition.deployment().source() == ListenerDefinition.Source.CHANNEL_BEAN;
		return ListenerConfigurationException.of(problem, definition.name(), null, adoptingKey(definition), false,
				bean ? definition.deployment().channelBean() : Boolean.TRUE, cause, details);
	}

	/**
	 * Check that an adopted channel listens where the listener's port or path says.
	 * @throws ListenerConfigurationException with the key that disagrees
	 */
	static void checkAddress(ListenerDefinition definition, SocketAddress actual) {
		SocketAddress expected = definition.address();
		String key = mismatch(expected, actual);
		if (key == null) {
			return;
		}
		throw new ListenerConfigurationException(ListenerProblem.ADOPTED_CHANNEL_ELSEWHERE, definition.name(), null,
				key, expected, actual, adoptingKey(definition));
	}

	private static String adoptingKey(ListenerDefinition definition) {
		return (definition.deployment().source() == ListenerDefinition.Source.CHANNEL_BEAN) ? "channel-bean"
				: "inherited";
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
