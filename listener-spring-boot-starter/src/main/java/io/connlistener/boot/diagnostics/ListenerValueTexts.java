package io.connlistener.boot.diagnostics;

import java.time.Duration;
import java.util.Collection;

import io.connlistener.boot.listener.ListenerConfigurationException;

import org.springframework.util.unit.DataSize;

/**
 * What is wrong with a listener's value and what to set it to, for the failures that read
 * "{@code <property> is <value>, but <what is wrong>}" and "{@code Set <property> to <what
 * to set>}".
 */
final class ListenerValueTexts {

	private ListenerValueTexts() {
	}

	/**
	 * Return what is wrong with the value and what to set instead.
	 * @param failure the failure, of a value
	 * @return the texts
	 * @throws IllegalArgumentException if the failure is not about a value
	 */
	static ValueText of(ListenerConfigurationException failure) {
		String unix = "a Unix domain socket ("
				+ ListenerPropertyNames.listener(String.valueOf(failure.getListenerName()), "path") + ")";
		return switch (failure.getProblem()) {
			case NO_IO_THREADS -> new ValueText("at least one I/O thread is needed",
					"1 or more, or leave it unset for one per processor");
			case ARRIVAL_BATCHING_OUT_OF_RANGE -> new ValueText("it must be from 0 (no pause) to " + detail(failure, 0),
					"a duration such as 20us, or 0 to never pause");
			case PORT_OUT_OF_RANGE -> new ValueText("a port must be between 0 and 65535",
					"a port between 0 and 65535 (0 picks a free port)");
			case BACKLOG_ZERO -> new ValueText("0 would mean that the socket is already listening",
					"a positive listen queue length, or -1 for the kernel's somaxconn");
			case NO_CONNECTIONS -> new ValueText("at least one connection must be allowed", "1 or more");
			case NO_ACCEPTS_PER_WAKEUP -> new ValueText("at least one accept per wakeup is needed",
					"1 or more, such as " + detail(failure, 0));
			case BACKOFF_MAX_BELOW_INITIAL -> new ValueText(
					"it must not be shorter than accept-error-backoff.initial (" + detail(failure, 0) + ")",
					"a duration of at least " + detail(failure, 0));
			case RESUME_NOT_BELOW_LIMIT -> new ValueText(
					"it must be at least 0 and less than max-connections (" + detail(failure, 0) + ")",
					"a number from 0 to " + (failure.<Integer>getDetail(0) - 1)
							+ ", or leave it unset for 90% of max-connections");
			case NEGATIVE_DURATION -> new ValueText("it must not be negative",
					"a duration such as " + detail(failure, 0) + ", or 0 for none");
			case NOT_POSITIVE_DURATION -> new ValueText("it must be a positive duration",
					"a positive duration such as " + detail(failure, 0));
			case NEGATIVE_CONNECTIONS_PER_IP -> new ValueText("it must not be negative",
					"0 for no cap, or the most connections one address may hold");
			case ACCEPT_RATE_OUT_OF_RANGE -> new ValueText("it must be from 0 (no limit) to " + detail(failure, 0),
					"0 for no limit, or the most connections admitted per second, such as 100");
			case NEGATIVE_ACCEPT_BURST -> new ValueText("it must not be negative",
					"0 for one second's worth of accept-rate, or the most connections admitted at once");
			case RULE_WITHOUT_ACTION -> new ValueText("a rule must read 'allow <cidr>' or 'deny <cidr>'",
					"a rule such as 'allow 10.0.0.0/8' or 'deny 10.1.0.0/16'");
			case RULE_WITH_INVALID_RANGE -> new ValueText(
					"'" + failure.getDetail(1) + "' is not a CIDR range" + rangeProblem(failure.getCause()),
					"'" + failure.getDetail(0) + " <cidr>' with an IPv4 or IPv6 range such as 10.0.0.0/8 or fd00::/8");
			case READ_BUFFER_SIZE_OUT_OF_RANGE -> new ValueText("it must be from " + detail(failure, 0) + " to "
					+ failure.<DataSize>getDetail(1).toMegabytes() + "MB", "a size such as 16KB");
			case WRITE_LOW_ABOVE_HIGH -> new ValueText(
					"it must not be above buffered.write-high-watermark (" + detail(failure, 0) + ")",
					"a size of at most " + detail(failure, 0));
			case SIZE_OUT_OF_RANGE -> new ValueText("it must be from 0 to 2GB",
					"a size such as " + failure.<DataSize>getDetail(0).toKilobytes() + "KB");
			case ACCEPTORS_OUT_OF_RANGE -> new ValueText(
					"a listener accepts on 1 to " + detail(failure, 0) + " sockets",
					"a number from 1 to " + detail(failure, 0) + ", such as the number of processors");
			case ACCEPTORS_OF_ADOPTED_CHANNEL -> new ValueText(
					"a listener that adopts a channel has exactly that one socket", "1");
			case ACCEPTORS_OF_UNIX_SOCKET -> new ValueText("SO_REUSEPORT spreads TCP connections only; "
					+ "a Unix domain socket file has one listening socket", "1");
			case NO_REUSEPORT -> new ValueText("this platform (" + System.getProperty("os.name")
					+ ") has no SO_REUSEPORT to bind several sockets to one port",
					"1, or run on a platform with SO_REUSEPORT, such as Linux 3.9 or later");
			case UNBIND_OF_ADOPTED_CHANNEL -> new ValueText(
					"a channel the listener did not bind cannot be bound again once closed", "false");
			case PATH_PERMISSIONS_OF_ADOPTED_CHANNEL -> new ValueText(
					"the listener adopts a channel, whose socket file it did not create",
					"no value (remove it), and set the permissions where the socket is created");
			case PATH_PERMISSIONS_NOT_POSIX -> new ValueText("it is not a POSIX permission string of nine characters",
					"permissions as ls -l shows them, such as rw-rw----");
			case PATH_PERMISSIONS_WITHOUT_PATH -> new ValueText(
					"the listener has no Unix domain socket file (path is not set)",
					"no value (remove it), or set path to listen on a Unix domain socket");
			case TRUSTED_PROXY_NOT_A_RANGE -> new ValueText(
					"it is not an IP address or CIDR range (" + failure.getCause().getMessage() + ")",
					"an IP address or CIDR range of a proxy, such as 10.0.0.0/8 or 2001:db8::/32");
			case NO_TRUSTED_PROXIES -> new ValueText("proxy-protocol is required, so the listener must know which "
					+ "proxies may send a header (it would close every connection otherwise)",
					"the addresses or CIDR ranges of the proxies in front of it, such as 10.0.0.0/8, or set "
							+ proxyProtocol(failure, failure.getDetail(0)) + " to off");
			case ADDRESS_OF_UNIX_SOCKET -> new ValueText(
					"the listener listens on " + unix + ", which has no IP address", "no value (remove it), or replace "
							+ ListenerPropertyNames.listener(failure.getListenerName(), "path")
							+ " by a port to listen on TCP");
			case TCP_NO_DELAY_OF_UNIX_SOCKET -> new ValueText(
					"TCP_NODELAY is a TCP option and the listener listens on " + unix, "no value (remove it)");
			case TRUSTED_PROXIES_OF_UNIX_SOCKET -> new ValueText(
					"peers of " + unix + " have no address to check: whoever may open the socket file is trusted",
					"no value (remove it), and let path-permissions decide who may connect");
			case ADMISSION_OF_UNIX_SOCKET -> new ValueText(
					"peers of " + unix + " have no IP address, so it applies only to client addresses from PROXY "
							+ "headers",
					"no value (remove it), or set " + proxyProtocol(failure, false)
							+ " to required behind a proxy that sends the header");
			case TLS_CLIENT_HELLO_MAX_SIZE_OUT_OF_RANGE -> new ValueText("it must be from " + detail(failure, 0)
					+ " to " + failure.<DataSize>getDetail(1).toKilobytes() + "KB", "a size such as 16KB");
			case TLS_INVALID_APPLICATION_PROTOCOL -> new ValueText(
					"an ALPN protocol name has from 1 to 255 characters",
					"the name of a protocol the listener speaks, such as h2 or http/1.1, or remove it");
			case TLS_SERVER_NAME_NOT_A_HOST_NAME -> new ValueText(
					"it is no host name that clients send with SNI (they send none for an IP address)",
					"a host name such as a.example.test, or *.example.test for every name one label under "
							+ "example.test");
			case TLS_SERVER_NAME_TWICE -> new ValueText("entry " + detail(failure, 0) + " of tls.server-name-bundles "
					+ "gives it already, and a host name is served one bundle", "another host name, or remove the entry");
			case TLS_SERVER_NAME_WITHOUT_BUNDLE -> new ValueText(
					"host name " + shown(failure.getDetail(0)) + " needs the SSL bundle it is served",
					"the name of a bundle configured under spring.ssl.bundle.pem.<name> or spring.ssl.bundle.jks.<name>");
			case LENGTH_FIELD_SIZE_INVALID -> new ValueText("a length field has 1, 2, 4 or 8 bytes", "1, 2, 4 or 8");
			case LENGTH_FIELD_OFFSET_NEGATIVE -> new ValueText("it must not be negative",
					"the bytes before the length field, 0 or more");
			case FRAME_SIZE_NOT_POSITIVE -> new ValueText("it must be positive: framing is never unlimited",
					"a size such as " + ((failure.getDetail(0) instanceof DataSize size) ? size.toKilobytes() + "KB"
							: detail(failure, 0)));
			case FRAME_SIZE_ABOVE_READ_HIGH_WATERMARK -> new ValueText("a whole frame, with the "
					+ detail(failure, 1) + " its framing adds, must fit under buffered.read-high-watermark ("
					+ detail(failure, 0) + "), where reading stops",
					"at most " + (failure.<DataSize>getDetail(0).toBytes() - failure.<DataSize>getDetail(1).toBytes())
							+ "B, or raise buffered.read-high-watermark");
			case UNKNOWN_CHARSET -> new ValueText("this JVM has no character set of that name",
					"a character set such as UTF-8, US-ASCII or ISO-8859-1");
			case DELIMITER_INVALID -> new ValueText(failure.getDetail(0), FramingFailureTexts.DELIMITER_EXAMPLE);
			default -> throw new IllegalArgumentException("Not a problem of a value: " + failure.getProblem());
		};
	}

	/**
	 * Show a value as it reads in a sentence: text in quotes, a duration in milliseconds, a
	 * size in bytes, nothing as "empty".
	 * @param value the value
	 * @return the value as shown
	 */
	static String shown(Object value) {
		if (value == null || (value instanceof Collection<?> collection && collection.isEmpty())) {
			return "empty";
		}
		if (value instanceof CharSequence) {
			return "'" + value + "'";
		}
		if (value instanceof Duration duration) {
			return duration.toMillis() + "ms";
		}
		if (value instanceof DataSize size) {
			return size.toBytes() + "B";
		}
		return String.valueOf(value);
	}

	private static String detail(ListenerConfigurationException failure, int index) {
		return shown(failure.getDetail(index));
	}

	private static String proxyProtocol(ListenerConfigurationException failure, boolean fromDefaults) {
		return fromDefaults ? ListenerPropertyNames.defaults("proxy-protocol")
				: ListenerPropertyNames.listener(failure.getListenerName(), "proxy-protocol");
	}

	/**
	 * Return why core refused a range: its message less the range it repeats, which the
	 * description shows already. Only shown, never matched.
	 */
	private static String rangeProblem(Throwable cause) {
		String reason = (cause != null) ? cause.getMessage() : null;
		int colon = (reason != null) ? reason.indexOf("': ") : -1;
		return (colon >= 0) ? ": " + reason.substring(colon + 3) : "";
	}

	/**
	 * What is wrong with a value, and what to set instead.
	 * @param problem what is wrong, to follow "but"
	 * @param expected what to set, to follow "to"
	 */
	record ValueText(String problem, String expected) {
	}

}
