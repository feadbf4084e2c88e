package io.connlistener;

import java.util.Locale;

/**
 * Options of a {@link ConnListener}: libevent's {@code LEV_OPT_*} flags, with the same names
 * less the prefix. Where the JDK cannot do what the C flag does, the option does the closest
 * honest thing, as each constant says; {@code docs/libevent-mapping.md} has the details.
 */
public enum ListenerOption {

	/**
	 * Leave accepted sockets in blocking mode instead of making them non-blocking.
	 */
	LEAVE_SOCKETS_BLOCKING,

	/**
	 * Close the listening channel when the listener is closed.
	 */
	CLOSE_ON_FREE,

	/**
	 * Set close-on-exec on the listening socket. The JDK always does (and never hands its
	 * descriptors to child processes), so this option changes nothing.
	 */
	CLOSE_ON_EXEC,

	/**
	 * Set {@code SO_REUSEADDR}, so a new socket may bind the port right after this one
	 * closes. Without it the listener clears {@code SO_REUSEADDR}, which the JDK would
	 * otherwise set on every server socket. Ignored for Unix domain sockets.
	 */
	REUSEABLE,

	/**
	 * Set {@code SO_REUSEPORT}, so several sockets may listen on one port and the kernel
	 * spreads connections over them. Binding fails where the platform lacks it.
	 */
	REUSEABLE_PORT,

	/**
	 * Make the listener safe to use from several threads. Always the case in Java, so this
	 * option changes nothing.
	 */
	THREADSAFE,

	/**
	 * Create the listener disabled; {@link ConnListener#enable()} turns it on.
	 */
	DISABLED,

	/**
	 * Call back only once the accepted connection is readable (data or end of stream). The
	 * JDK has no {@code TCP_DEFER_ACCEPT}, so this is done in user space: the connection is
	 * accepted, watched on the loop, handed to the callback when it becomes readable, and
	 * closed if it stays silent for the deferred-accept timeout.
	 */
	DEFERRED_ACCEPT,

	/**
	 * Accept only IPv6 connections on an IPv6 wildcard address. The JDK cannot set
	 * {@code IPV6_V6ONLY}, so the socket still holds the IPv4 port; connections from IPv4
	 * clients are closed as soon as they are accepted and counted as rejections.
	 */
	BIND_IPV6ONLY;

	/**
	 * Return the option's name in kebab case, as used in configuration files.
	 * @return e.g. {@code close-on-free}
	 */
	public String kebabName() {
		return name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	/**
	 * Return the option with the given name, in kebab case or as the constant is spelled.
	 * @param name e.g. {@code close-on-free} or {@code CLOSE_ON_FREE}
	 * @return the option
	 * @throws IllegalArgumentException if no option has that name
	 */
	public static ListenerOption fromName(String name) {
		String constant = name.trim().toUpperCase(Locale.ROOT).replace('-', '_');
		for (ListenerOption option : values()) {
			if (option.name().equals(constant)) {
				return option;
			}
		}
		throw new IllegalArgumentException("Unknown listener option '" + name + "'; expected one of "
				+ java.util.Arrays.stream(values()).map(ListenerOption::kebabName).toList());
	}

}
