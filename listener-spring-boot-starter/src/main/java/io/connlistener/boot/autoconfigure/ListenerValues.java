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
import io.connlistener.boot.listener.ListenerProblem;
import io.connlistener.buffer.BufferedConnectionSettings;

import org.springframework.util.unit.DataSize;

/**
 * Reads the values of one listener, its own or the defaults', and reports a bad value with
 * the key it came from and whether the listener or the defaults set it.
 */
final class ListenerValues {

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
		boolean inherited = this.listener.isInherited();
		String bean = this.listener.getChannelBean();
		if (bean != null && bean.isBlank()) {
			throw new ListenerConfigurationException(ListenerProblem.EMPTY_CHANNEL_BEAN, this.name, null,
					"channel-bean", bean);
		}
		if (inherited && bean != null) {
			throw new ListenerConfigurationException(ListenerProblem.TWO_CHANNELS, this.name, null, "channel-bean",
					bean);
		}
		if (!inherited && bean == null) {
			return Source.BIND;
		}
		return inherited ? Source.INHERITED : Source.CHANNEL_BEAN;
	}

	SocketAddress address() {
		Integer port = this.listener.getPort();
		if (port == null && this.listener.getPath() == null) {
			throw new ListenerConfigurationException(ListenerProblem.NO_ADDRESS, this.name, null, "port", null);
		}
		if (port != null && this.listener.getPath() != null) {
			throw new ListenerConfigurationException(ListenerProblem.TWO_ADDRESSES, this.name, null, "path",
					this.listener.getPath(), port);
		}
		if (port == null) {
			return UnixDomainSocketAddress.of(this.listener.getPath());
		}
		String host = (this.listener.getAddress() != null) ? this.listener.getAddress()
				: this.defaults.getAddress();
		if (port < 0 || port > 65535) {
			throw new ListenerConfigurationException(ListenerProblem.PORT_OUT_OF_RANGE, this.name, host + ":" + port,
					"port", port.toString());
		}
		try {
			return new InetSocketAddress(InetAddress.getByName(host), port);
		}
		catch (UnknownHostException | RuntimeException ex) {
			throw ListenerConfigurationException.of(ListenerProblem.UNRESOLVED_ADDRESS, this.name, host + ":" + port,
					"address", this.listener.getAddress() == null, host, null);
		}
	}

	Checked checked(String address) {
		return new Checked(address);
	}

	final class Checked {

		private final String address;

		Checked(String address) {
			this.address = address;
		}

		Duration notNegative(String key, Duration listenerValue, Duration defaultValue, Duration example) {
			Duration value = (listenerValue != null) ? listenerValue : defaultValue;
			if (value != null && value.isNegative()) {
				throw invalid(ListenerProblem.NEGATIVE_DURATION, key, listenerValue, value, example);
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
				throw invalid(ListenerProblem.NEGATIVE_CONNECTIONS_PER_IP, "admission.max-connections-per-ip",
						own.getMaxConnectionsPerIp(), perIp);
			}
			double rate = orElse(own.getAcceptRate(), fallback.getAcceptRate(), 0.0);
			if (!(rate >= 0 && rate <= AdmissionSettings.MAX_ACCEPTS_PER_SECOND)) {
				throw invalid(ListenerProblem.ACCEPT_RATE_OUT_OF_RANGE, "admission.accept-rate", own.getAcceptRate(),
						rate, (long) AdmissionSettings.MAX_ACCEPTS_PER_SECOND);
			}
			int burst = orElse(own.getAcceptBurst(), fallback.getAcceptBurst(), 0);
			if (burst < 0) {
				throw invalid(ListenerProblem.NEGATIVE_ACCEPT_BURST, "admission.accept-burst", own.getAcceptBurst(),
						burst);
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
				throw invalid(ListenerProblem.RULE_WITHOUT_ACTION, key, listenerValue, trimmed);
			}
			String range = trimmed.substring(space + 1).strip();
			try {
				CidrRange cidr = CidrRange.parse(range);
				return new AdmissionRule(
						action.equals("allow") ? AdmissionRule.Action.ALLOW : AdmissionRule.Action.DENY, cidr);
			}
			catch (IllegalArgumentException ex) {
				throw invalidBecause(ListenerProblem.RULE_WITH_INVALID_RANGE, key, listenerValue, trimmed, ex, action,
						range);
			}
		}

		BufferedConnectionSettings buffered(Duration idleTimeout, Duration writeTimeout) {
			Buffered own = ListenerValues.this.listener.getBuffered();
			Buffered fallback = ListenerValues.this.defaults.getBuffered();
			int readBufferSize = bytes("buffered.read-buffer-size", own.getReadBufferSize(),
					fallback.getReadBufferSize(), BufferedConnectionSettings.DEFAULT_READ_BUFFER_SIZE);
			if (readBufferSize < MIN_READ_BUFFER_SIZE || readBufferSize > MAX_READ_BUFFER_SIZE) {
				throw invalid(ListenerProblem.READ_BUFFER_SIZE_OUT_OF_RANGE, "buffered.read-buffer-size",
						own.getReadBufferSize(), DataSize.ofBytes(readBufferSize),
						DataSize.ofBytes(MIN_READ_BUFFER_SIZE), DataSize.ofBytes(MAX_READ_BUFFER_SIZE));
			}
			int readHigh = bytes("buffered.read-high-watermark", own.getReadHighWatermark(),
					fallback.getReadHighWatermark(), BufferedConnectionSettings.DEFAULT_READ_HIGH_WATERMARK);
			int writeHigh = bytes("buffered.write-high-watermark", own.getWriteHighWatermark(),
					fallback.getWriteHighWatermark(), BufferedConnectionSettings.DEFAULT_WRITE_HIGH_WATERMARK);
			int writeLow = bytes("buffered.write-low-watermark", own.getWriteLowWatermark(),
					fallback.getWriteLowWatermark(), BufferedConnectionSettings.DEFAULT_WRITE_LOW_WATERMARK);
			if (writeLow > writeHigh) {
				throw invalid(ListenerProblem.WRITE_LOW_ABOVE_HIGH, "buffered.write-low-watermark",
						own.getWriteLowWatermark(), DataSize.ofBytes(writeLow), DataSize.ofBytes(writeHigh));
			}
			// The idle timeout, not libevent's read timeout, which stops while back-pressure pauses reading.
			return new BufferedConnectionSettings(readBufferSize, readHigh, writeLow, writeHigh, null, writeTimeout,
					idleTimeout);
		}

		int bytes(String key, DataSize listenerValue, DataSize defaultValue, int fallback) {
			DataSize value = (listenerValue != null) ? listenerValue : defaultValue;
			long bytes = (value != null) ? value.toBytes() : fallback;
			if (bytes < 0 || bytes > Integer.MAX_VALUE) {
				throw invalid(ListenerProblem.SIZE_OUT_OF_RANGE, key, listenerValue, DataSize.ofBytes(bytes),
						DataSize.ofBytes(fallback));
			}
			return (int) bytes;
		}

		private static <T> T orElse(T value, T defaultValue, T fallback) {
			return (value != null) ? value : (defaultValue != null) ? defaultValue : fallback;
		}

		Duration positive(String key, Duration listenerValue, Duration defaultValue, Duration example) {
			Duration value = (listenerValue != null) ? listenerValue : defaultValue;
			if (value == null || value.isNegative() || value.isZero()) {
				throw invalid(ListenerProblem.NOT_POSITIVE_DURATION, key, listenerValue, value, example);
			}
			return value;
		}

		/**
		 * Create the exception for a value that cannot work, naming the listener's own
		 * property if it sets the value, else the default's.
		 */
		ListenerConfigurationException invalid(ListenerProblem problem, String key, Object listenerValue, Object value,
				Object... details) {
			return invalidBecause(problem, key, listenerValue, value, null, details);
		}

		/**
		 * Create the exception for a setting that is missing, naming the listener's own
		 * property or the default's.
		 */
		ListenerConfigurationException missing(ListenerProblem problem, String key, boolean fromDefaults,
				Object... details) {
			return ListenerConfigurationException.of(problem, ListenerValues.this.name, this.address, key, fromDefaults,
					null, null, details);
		}

		ListenerConfigurationException invalidBecause(ListenerProblem problem, String key, Object listenerValue,
				Object value, Throwable cause, Object... details) {
			return ListenerConfigurationException.of(problem, ListenerValues.this.name, this.address, key,
					listenerValue == null, value, cause, details);
		}

	}

}
