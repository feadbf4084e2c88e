package io.connlistener.boot.autoconfigure;

import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.net.UnknownHostException;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;

import io.connlistener.admission.AdmissionRule;
import io.connlistener.admission.AdmissionSettings;
import io.connlistener.admission.CidrRange;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Admission;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Buffered;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Defaults;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Listener;
import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerDefinition.Source;
import io.connlistener.buffer.BufferedConnectionSettings;

import org.springframework.util.unit.DataSize;

/**
 * Reads the values of one listener, its own or the defaults', and reports which property a
 * bad value came from, naming the listener and its address.
 */
final class ListenerValues {

	private static final String LISTENERS = ConnListenerProperties.PREFIX + ".listeners.";

	private static final String DEFAULTS = ConnListenerProperties.PREFIX + ".defaults.";

	private static final int MIN_READ_BUFFER_SIZE = 64;

	// A segment is direct memory held while a read is buffered: beyond this a single slow
	// connection could pin more than a whole pool retains.
	private static final int MAX_READ_BUFFER_SIZE = 4 * 1024 * 1024;

	private final String name;

	private final Listener listener;

	private final Defaults defaults;

	ListenerValues(String name, Listener listener, Defaults defaults) {
		this.name = name;
		this.listener = listener;
		this.defaults = defaults;
	}

	Source source() {
		String inheritedProperty = ownProperty("inherited");
		String beanProperty = ownProperty("channel-bean");
		boolean inherited = this.listener.isInherited();
		String bean = this.listener.getChannelBean();
		if (bean != null && bean.isBlank()) {
			throw new ListenerConfigurationException(this.name, beanProperty, "Listener '" + this.name
					+ "' cannot start: " + beanProperty + " is empty.",
					"Set " + beanProperty + " to the name of a ServerSocketChannel bean, or remove it.");
		}
		if (inherited && bean != null) {
			throw new ListenerConfigurationException(this.name, beanProperty, "Listener '" + this.name
					+ "' has two channels: " + inheritedProperty + " is true and " + beanProperty + " is '" + bean
					+ "'.", "Remove " + inheritedProperty + " or " + beanProperty + ": a listener adopts one channel.");
		}
		if (!inherited && bean == null) {
			return Source.BIND;
		}
		return inherited ? Source.INHERITED : Source.CHANNEL_BEAN;
	}

	SocketAddress address() {
		Integer port = this.listener.getPort();
		String portProperty = ownProperty("port");
		String pathProperty = ownProperty("path");
		if (port == null && this.listener.getPath() == null) {
			throw new ListenerConfigurationException(this.name, portProperty, "Listener '" + this.name
					+ "' has no address: neither " + portProperty + " nor " + pathProperty + " is set.",
					"Set " + portProperty + " to listen on a TCP port, or " + pathProperty
							+ " to listen on a Unix domain socket.");
		}
		if (port != null && this.listener.getPath() != null) {
			throw new ListenerConfigurationException(this.name, pathProperty, "Listener '" + this.name
					+ "' has two addresses: " + portProperty + " is " + port + " and " + pathProperty + " is "
					+ this.listener.getPath() + ".",
					"Remove " + portProperty + " or " + pathProperty
							+ ": a listener listens on either a TCP port or a Unix domain socket.");
		}
		if (port == null) {
			return UnixDomainSocketAddress.of(this.listener.getPath());
		}
		String host = (this.listener.getAddress() != null) ? this.listener.getAddress()
				: this.defaults.getAddress();
		String addressProperty = property("address", this.listener.getAddress());
		if (port < 0 || port > 65535) {
			throw ListenerConfigurationException.portOutOfRange(this.name, host, port.toString());
		}
		try {
			return new InetSocketAddress(InetAddress.getByName(host), port);
		}
		catch (UnknownHostException | RuntimeException ex) {
			throw new ListenerConfigurationException(this.name, addressProperty,
					"Listener '" + this.name + "' on " + host + ":" + port + " cannot start: " + addressProperty
							+ " is '" + host + "', which is neither an IP address nor a host name that resolves.",
					"Set " + addressProperty + " to an IP address or a resolvable host name of this machine, "
							+ "such as 127.0.0.1, or to 0.0.0.0 to listen on every IPv4 interface (:: for IPv6 too).");
		}
	}

	Checked checked(String address) {
		return new Checked(address);
	}

	/**
	 * Name the property a value comes from: the listener's own, or the default's.
	 */
	String property(String key, Object listenerValue) {
		return (listenerValue != null) ? ownProperty(key) : DEFAULTS + key;
	}

	/**
	 * Name the listener's own property.
	 */
	String ownProperty(String key) {
		return LISTENERS + this.name + "." + key;
	}

	final class Checked {

		private final String address;

		Checked(String address) {
			this.address = address;
		}

		Duration notNegative(String key, Duration listenerValue, Duration defaultValue, Duration example) {
			Duration value = (listenerValue != null) ? listenerValue : defaultValue;
			if (value != null && value.isNegative()) {
				throw invalid(key, listenerValue, ListenerDefinitions.print(value), "it must not be negative",
						"a duration such as " + ListenerDefinitions.print(example) + ", or 0 for none");
			}
			return value;
		}

		AdmissionSettings admission() {
			Admission own = ListenerValues.this.listener.getAdmission();
			Admission fallback = ListenerValues.this.defaults.getAdmission();
			List<String> texts = (own.getRules() != null) ? own.getRules() : fallback.getRules();
			List<AdmissionRule> rules = new ArrayList<>();
			for (int i = 0; texts != null && i < texts.size(); i++) {
				rules.add(rule("admission.rules[" + i + "]", own.getRules(), texts.get(i)));
			}
			int perIp = orElse(own.getMaxConnectionsPerIp(), fallback.getMaxConnectionsPerIp(), 0);
			if (perIp < 0) {
				throw invalid("admission.max-connections-per-ip", own.getMaxConnectionsPerIp(), perIp,
						"it must not be negative", "0 for no cap, or the most connections one address may hold");
			}
			double rate = orElse(own.getAcceptRate(), fallback.getAcceptRate(), 0.0);
			if (!(rate >= 0 && rate <= AdmissionSettings.MAX_ACCEPTS_PER_SECOND)) {
				throw invalid("admission.accept-rate", own.getAcceptRate(), rate,
						"it must be from 0 (no limit) to " + (long) AdmissionSettings.MAX_ACCEPTS_PER_SECOND,
						"0 for no limit, or the most connections admitted per second, such as 100");
			}
			int burst = orElse(own.getAcceptBurst(), fallback.getAcceptBurst(), 0);
			if (burst < 0) {
				throw invalid("admission.accept-burst", own.getAcceptBurst(), burst, "it must not be negative",
						"0 for one second's worth of accept-rate, or the most connections admitted at once");
			}
			boolean spare = (ListenerValues.this.listener.getSpareFileDescriptor() != null)
					? ListenerValues.this.listener.getSpareFileDescriptor() : ListenerValues.this.defaults.getSpareFileDescriptor();
			return new AdmissionSettings(rules, perIp, rate, burst, spare);
		}

		private AdmissionRule rule(String key, Object listenerValue, String text) {
			String trimmed = (text != null) ? text.strip() : "";
			int space = trimmed.indexOf(' ');
			String action = (space > 0) ? trimmed.substring(0, space).toLowerCase(Locale.ROOT) : "";
			if (!action.equals("allow") && !action.equals("deny")) {
				throw invalid(key, listenerValue, "'" + trimmed + "'",
						"a rule must read 'allow <cidr>' or 'deny <cidr>'",
						"a rule such as 'allow 10.0.0.0/8' or 'deny 10.1.0.0/16'");
			}
			String range = trimmed.substring(space + 1).strip();
			try {
				CidrRange cidr = CidrRange.parse(range);
				return new AdmissionRule(
						action.equals("allow") ? AdmissionRule.Action.ALLOW : AdmissionRule.Action.DENY, cidr);
			}
			catch (IllegalArgumentException ex) {
				String reason = ex.getMessage();
				int colon = (reason != null) ? reason.indexOf("': ") : -1;
				throw invalid(key, listenerValue, "'" + trimmed + "'",
						"'" + range + "' is not a CIDR range"
								+ ((colon >= 0) ? ": " + reason.substring(colon + 3) : ""),
						"'" + action + " <cidr>' with an IPv4 or IPv6 range such as 10.0.0.0/8 or fd00::/8");
			}
		}

		BufferedConnectionSettings buffered(Duration idleTimeout, Duration writeTimeout) {
			Buffered own = ListenerValues.this.listener.getBuffered();
			Buffered fallback = ListenerValues.this.defaults.getBuffered();
			int readBufferSize = bytes("buffered.read-buffer-size", own.getReadBufferSize(),
					fallback.getReadBufferSize(), BufferedConnectionSettings.DEFAULT_READ_BUFFER_SIZE);
			if (readBufferSize < MIN_READ_BUFFER_SIZE || readBufferSize > MAX_READ_BUFFER_SIZE) {
				throw invalid("buffered.read-buffer-size", own.getReadBufferSize(), readBufferSize + "B",
						"it must be from " + MIN_READ_BUFFER_SIZE + "B to " + (MAX_READ_BUFFER_SIZE / 1024 / 1024) + "MB",
						"a size such as 16KB");
			}
			int readHigh = bytes("buffered.read-high-watermark", own.getReadHighWatermark(),
					fallback.getReadHighWatermark(), BufferedConnectionSettings.DEFAULT_READ_HIGH_WATERMARK);
			int writeHigh = bytes("buffered.write-high-watermark", own.getWriteHighWatermark(),
					fallback.getWriteHighWatermark(), BufferedConnectionSettings.DEFAULT_WRITE_HIGH_WATERMARK);
			int writeLow = bytes("buffered.write-low-watermark", own.getWriteLowWatermark(),
					fallback.getWriteLowWatermark(), BufferedConnectionSettings.DEFAULT_WRITE_LOW_WATERMARK);
			if (writeLow > writeHigh) {
				throw invalid("buffered.write-low-watermark", own.getWriteLowWatermark(), writeLow + "B",
						"it must not be above buffered.write-high-watermark (" + writeHigh + "B)",
						"a size of at most " + writeHigh + "B");
			}
			// The idle timeout, not libevent's read timeout, which stops while back-pressure pauses reading.
			return new BufferedConnectionSettings(readBufferSize, readHigh, writeLow, writeHigh, null, writeTimeout,
					idleTimeout);
		}

		private int bytes(String key, DataSize listenerValue, DataSize defaultValue, int fallback) {
			DataSize value = (listenerValue != null) ? listenerValue : defaultValue;
			long bytes = (value != null) ? value.toBytes() : fallback;
			if (bytes < 0 || bytes > Integer.MAX_VALUE) {
				throw invalid(key, listenerValue, bytes + "B", "it must be from 0 to 2GB",
						"a size such as " + (fallback / 1024) + "KB");
			}
			return (int) bytes;
		}

		private static <T> T orElse(T value, T defaultValue, T fallback) {
			return (value != null) ? value : (defaultValue != null) ? defaultValue : fallback;
		}

		Duration positive(String key, Duration listenerValue, Duration defaultValue, Duration example) {
			Duration value = (listenerValue != null) ? listenerValue : defaultValue;
			if (value == null || value.isNegative() || value.isZero()) {
				throw invalid(key, listenerValue, (value != null) ? ListenerDefinitions.print(value) : "empty",
						"it must be a positive duration", "a positive duration such as " + ListenerDefinitions.print(example));
			}
			return value;
		}

		ListenerConfigurationException invalid(String key, Object listenerValue, Object shown,
				String problem, String expected) {
			String property = property(key, listenerValue);
			return new ListenerConfigurationException(ListenerValues.this.name, property,
					"Listener '" + ListenerValues.this.name + "' on " + this.address + " cannot start: " + property
							+ " is " + shown + ", but " + problem + ".",
					"Set " + property + " to " + expected + ".");
		}

	}

}
