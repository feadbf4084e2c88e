package io.connlistener.internal.accept;

import java.io.IOException;
import java.io.InputStream;
import java.net.BindException;
import java.net.Inet4Address;
import java.net.Inet6Address;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.StandardProtocolFamily;
import java.net.StandardSocketOptions;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.Set;

import io.connlistener.ListenerOption;

/**
 * Opens, configures and binds listening channels the way libevent does: a socket of the
 * address's own family, options before {@code bind}, and a backlog that is never the JDK's
 * silent default of 50.
 */
public final class ListenerSockets {

	/** Used where {@code somaxconn} cannot be read; the Linux default since 5.4. */
	public static final int FALLBACK_BACKLOG = 4096;

	private static final Path SOMAXCONN = Path.of("/proc/sys/net/core/somaxconn");

	private static volatile int somaxconn;

	private ListenerSockets() {
	}

	/**
	 * Return the listen queue length a backlog asks for: a positive value as it is, a
	 * negative one as the kernel's {@code somaxconn}.
	 */
	public static int resolveBacklog(int backlog) {
		return (backlog < 0) ? somaxconn() : backlog;
	}

	public static int somaxconn() {
		int value = somaxconn;
		if (value == 0) {
			value = readSomaxconn();
			somaxconn = value;
		}
		return value;
	}

	private static int readSomaxconn() {
		try {
			// Read to end of stream: some kernels report a size for /proc files that cuts Files.readString short.
			String text;
			try (InputStream in = Files.newInputStream(SOMAXCONN)) {
				text = new String(in.readAllBytes(), StandardCharsets.US_ASCII);
			}
			int value = Integer.parseInt(text.trim());
			return (value > 0) ? value : FALLBACK_BACKLOG;
		}
		catch (IOException | RuntimeException ex) {
			return FALLBACK_BACKLOG;
		}
	}

	public static ServerSocketChannel bind(SocketAddress address, Set<ListenerOption> options, int backlog)
			throws IOException {
		if (backlog == 0) {
			throw new IllegalArgumentException("Backlog 0 means the channel is already listening: use ConnListener.wrap");
		}
		ServerSocketChannel channel = open(address);
		try {
			applyOptions(channel, options);
			channel.bind(address, resolveBacklog(backlog));
			return channel;
		}
		catch (BindException ex) {
			channel.close();
			BindException described = new BindException(ex.getMessage() + " (binding " + describe(address) + ")");
			described.initCause(ex);
			throw described;
		}
		catch (IOException | RuntimeException ex) {
			channel.close();
			throw ex;
		}
	}

	/**
	 * Open a channel of the address's protocol family. An IPv4 address gets an IPv4 socket,
	 * not the JDK's default dual-stack IPv6 one: Linux prefers IPv4 sockets for IPv4 traffic
	 * and groups {@code SO_REUSEPORT} sockets by family, so one IPv4 socket bound to the port
	 * would take every connection from a group of dual-stack ones. It also keeps
	 * {@code 0.0.0.0} to IPv4, as in C, where a dual-stack socket binds it as {@code ::}.
	 */
	public static ServerSocketChannel open(SocketAddress address) throws IOException {
		if (address instanceof UnixDomainSocketAddress) {
			return ServerSocketChannel.open(StandardProtocolFamily.UNIX);
		}
		InetAddress ip = (address instanceof InetSocketAddress inet) ? inet.getAddress() : null;
		if (ip instanceof Inet4Address) {
			return ServerSocketChannel.open(StandardProtocolFamily.INET);
		}
		if (ip instanceof Inet6Address) {
			return ServerSocketChannel.open(StandardProtocolFamily.INET6);
		}
		// An unresolved address: its bind reports it.
		return ServerSocketChannel.open();
	}

	public static void applyOptions(ServerSocketChannel channel, Set<ListenerOption> options) throws IOException {
		if (!channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEADDR)) {
			// Unix domain sockets: neither address nor port reuse applies.
			return;
		}
		// The JDK sets SO_REUSEADDR on every server socket; libevent leaves it off unless asked.
		channel.setOption(StandardSocketOptions.SO_REUSEADDR, options.contains(ListenerOption.REUSEABLE));
		if (options.contains(ListenerOption.REUSEABLE_PORT)) {
			if (!channel.supportedOptions().contains(StandardSocketOptions.SO_REUSEPORT)) {
				throw new UnsupportedOperationException(
						"REUSEABLE_PORT needs SO_REUSEPORT, which this platform does not offer");
			}
			channel.setOption(StandardSocketOptions.SO_REUSEPORT, true);
		}
	}

	public static boolean isIpv6Wildcard(SocketAddress address) {
		return address instanceof InetSocketAddress inet && inet.getAddress() instanceof Inet6Address
				&& inet.getAddress().isAnyLocalAddress();
	}

	public static String describe(SocketAddress address) {
		if (address instanceof InetSocketAddress inet) {
			String host = (inet.getAddress() != null) ? inet.getAddress().getHostAddress() : inet.getHostString();
			return (host.indexOf(':') >= 0 ? "[" + host + "]" : host) + ":" + inet.getPort();
		}
		if (address instanceof UnixDomainSocketAddress unix) {
			return "unix:" + unix.getPath();
		}
		return String.valueOf(address);
	}

}
