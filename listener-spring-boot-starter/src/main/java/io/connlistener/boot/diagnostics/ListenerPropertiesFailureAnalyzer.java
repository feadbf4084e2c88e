package io.connlistener.boot.diagnostics;

import java.time.Duration;
import java.util.Arrays;
import java.util.Collection;
import java.util.Comparator;
import java.util.Locale;
import java.util.regex.Pattern;
import java.util.stream.Collectors;

import io.connlistener.ListenerOption;
import io.connlistener.boot.listener.ListenerConfigurationException;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.diagnostics.AbstractFailureAnalyzer;
import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.origin.Origin;
import org.springframework.core.Ordered;
import org.springframework.core.ResolvableType;
import org.springframework.core.env.Environment;
import org.springframework.util.StringUtils;
import org.springframework.util.unit.DataSize;

/**
 * Explains a {@link BindException} under {@code conn-listener}: an unknown key, or a value
 * that is not of the property's type. Runs ahead of Boot's own bind analyzers, so that the
 * message names the listener and lists what it accepts; other prefixes are left to them.
 */
class ListenerPropertiesFailureAnalyzer extends AbstractFailureAnalyzer<BindException> implements Ordered {

	private static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of("conn-listener");

	private static final ConfigurationPropertyName LISTENERS = ConfigurationPropertyName.of("conn-listener.listeners");

	private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?\\d+");

	private static final String DEFAULT_KEYS = "address, backlog, options, enabled, max-connections, "
			+ "max-connections-action, max-connections-resume, idle-timeout, write-timeout, spare-file-descriptor, "
			+ "tcp-no-delay, admission.rules, admission.max-connections-per-ip, admission.accept-rate, "
			+ "admission.accept-burst, buffered.read-buffer-size, buffered.read-high-watermark, "
			+ "buffered.write-high-watermark, buffered.write-low-watermark, accept-error-backoff.initial, "
			+ "accept-error-backoff.max, max-accepts-per-wakeup, deferred-accept-timeout, proxy-protocol, "
			+ "trusted-proxies, proxy-protocol-timeout, acceptors, follow-readiness, unbind-on-disable, "
			+ "disable-delay, path-permissions";

	private static final String LISTENER_KEYS = "port, path, " + DEFAULT_KEYS + ", inherited, channel-bean";

	private static final String ROOT_KEYS = "enabled, io-threads, dedicated-acceptor-loop, defaults.*, listeners.<name>.*";

	private final Environment environment;

	ListenerPropertiesFailureAnalyzer(Environment environment) {
		this.environment = environment;
	}

	@Override
	public int getOrder() {
		return Ordered.HIGHEST_PRECEDENCE;
	}

	@Override
	protected FailureAnalysis analyze(Throwable rootFailure, BindException cause) {
		if (!ROOT.isAncestorOf(cause.getName()) && !ROOT.equals(cause.getName())) {
			return null;
		}
		if (cause.getCause() instanceof UnboundConfigurationPropertiesException unbound) {
			return unknownKey(cause, unbound);
		}
		return invalidValue(cause);
	}

	private FailureAnalysis unknownKey(BindException cause, UnboundConfigurationPropertiesException unbound) {
		Collection<ConfigurationProperty> properties = unbound.getUnboundProperties();
		ConfigurationProperty first = properties.stream()
			.min(Comparator.comparing((property) -> property.getName().toString()))
			.orElseThrow();
		String property = first.getName().toString();
		String others = (properties.size() > 1) ? " (and " + (properties.size() - 1) + " more unknown key"
				+ ((properties.size() > 2) ? "s" : "") + ")" : "";
		String listener = listenerName(first.getName());
		if (listener != null) {
			return new FailureAnalysis("Listener '" + listener + "'" + on(listener) + " cannot start: " + property
					+ origin(first.getOrigin()) + " is not a listener property" + others + ".",
					"Remove " + property + " or correct its name. A listener takes: " + LISTENER_KEYS + ".", cause);
		}
		boolean underDefaults = ConfigurationPropertyName.of("conn-listener.defaults").isAncestorOf(first.getName());
		return new FailureAnalysis("Listeners cannot start: " + property + origin(first.getOrigin())
				+ " is not a conn-listener property" + others + ".",
				"Remove " + property + " or correct its name. " + (underDefaults
						? "Defaults take: " + DEFAULT_KEYS
						: "Under conn-listener go: " + ROOT_KEYS) + ".",
				cause);
	}

	private FailureAnalysis invalidValue(BindException cause) {
		String property = cause.getName().toString();
		Object value = (cause.getProperty() != null) ? cause.getProperty().getValue() : null;
		Origin origin = (cause.getProperty() != null) ? cause.getProperty().getOrigin() : null;
		String listener = listenerName(cause.getName());
		boolean wholeNumber = isWholeNumber(cause.getTarget().getType()) && value != null
				&& WHOLE_NUMBER.matcher(value.toString().strip()).matches();
		if (wholeNumber && listener != null && isPort(cause.getName())) {
			// Too large for an int: the same analysis as a port that binds but is out of range.
			ListenerConfigurationException outOfRange = ListenerConfigurationException.portOutOfRange(listener,
					address(listener), value.toString().strip());
			return new FailureAnalysis(outOfRange.getMessage(), outOfRange.getAction(), cause);
		}
		String expected = wholeNumber ? "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE
				: expected(cause.getTarget().getType());
		String subject = (listener != null) ? "Listener '" + listener + "'" + on(listener) : "Listeners";
		return new FailureAnalysis(subject + " cannot start: " + property + " is '" + value + "'" + origin(origin)
				+ ", which is not " + expected + ".", "Set " + property + " to " + expected + ".", cause);
	}

	private static boolean isPort(ConfigurationPropertyName name) {
		return name.getNumberOfElements() == LISTENERS.getNumberOfElements() + 2
				&& name.getLastElement(ConfigurationPropertyName.Form.UNIFORM).equals("port");
	}

	private static boolean isWholeNumber(ResolvableType type) {
		Class<?> resolved = type.resolve(Object.class);
		return resolved == Integer.class || resolved == int.class;
	}

	private static String expected(ResolvableType type) {
		Class<?> resolved = type.resolve(Object.class);
		if (Collection.class.isAssignableFrom(resolved)) {
			resolved = type.asCollection().getGeneric().resolve(Object.class);
		}
		if (resolved == ListenerOption.class) {
			return "a list of listener options from " + Arrays.stream(ListenerOption.values())
				.map(ListenerOption::kebabName)
				.collect(Collectors.joining(", ", "[", "]"));
		}
		if (resolved.isEnum()) {
			return "one of " + Arrays.stream(resolved.getEnumConstants())
				.map((constant) -> ((Enum<?>) constant).name().toLowerCase(Locale.ROOT).replace('_', '-'))
				.collect(Collectors.joining(", ", "[", "]"));
		}
		if (resolved == Double.class || resolved == double.class) {
			return "a number";
		}
		if (resolved == DataSize.class) {
			return "a size such as 64KB or 1MB";
		}
		if (resolved == Integer.class || resolved == int.class) {
			return "a whole number";
		}
		if (resolved == Boolean.class || resolved == boolean.class) {
			return "true or false";
		}
		if (resolved == Duration.class) {
			return "a duration such as 50ms, 1s or PT1S";
		}
		return "a valid " + resolved.getSimpleName();
	}

	private static String listenerName(ConfigurationPropertyName name) {
		if (LISTENERS.isAncestorOf(name)) {
			return name.getElement(LISTENERS.getNumberOfElements(), ConfigurationPropertyName.Form.ORIGINAL);
		}
		return null;
	}

	private String on(String listener) {
		if (this.environment == null) {
			return "";
		}
		String prefix = "conn-listener.listeners." + listener + ".";
		// An empty value is a value that is not set, as the properties bind it.
		String path = this.environment.getProperty(prefix + "path");
		if (StringUtils.hasLength(path)) {
			return " on unix:" + path;
		}
		String port = this.environment.getProperty(prefix + "port");
		if (!StringUtils.hasLength(port)) {
			return "";
		}
		return " on " + address(listener) + ":" + port;
	}

	private String address(String listener) {
		String address = null;
		if (this.environment != null) {
			address = this.environment.getProperty("conn-listener.listeners." + listener + ".address");
			if (!StringUtils.hasLength(address)) {
				address = this.environment.getProperty("conn-listener.defaults.address");
			}
		}
		return StringUtils.hasLength(address) ? address : "0.0.0.0";
	}

	private static String origin(Origin origin) {
		return (origin != null) ? " (from " + origin + ")" : "";
	}

}
