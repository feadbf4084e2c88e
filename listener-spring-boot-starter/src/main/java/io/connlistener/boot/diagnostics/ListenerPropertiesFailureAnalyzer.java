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
import io.connlistener.boot.listener.ListenerProblem;

import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.source.ConfigurationProperty;
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

	private static final Pattern WHOLE_NUMBER = Pattern.compile("[-+]?\\d+");

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
		if (!ListenerPropertyNames.ROOT.isAncestorOf(cause.getName())
				&& !ListenerPropertyNames.ROOT.equals(cause.getName())) {
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
		String listener = ListenerPropertyNames.listenerName(first.getName());
		if (listener != null) {
			return new FailureAnalysis("Listener '" + listener + "'" + on(listener) + " cannot start: " + property
					+ origin(first.getOrigin()) + " is not a listener property" + others + ".",
					"Remove " + property + " or correct its name. A listener takes: "
							+ ListenerPropertyNames.LISTENER_KEYS + ".",
					cause);
		}
		boolean underDefaults = ListenerPropertyNames.DEFAULTS.isAncestorOf(first.getName());
		return new FailureAnalysis("Listeners cannot start: " + property + origin(first.getOrigin())
				+ " is not a " + ListenerPropertyNames.ROOT + " property" + others + ".",
				"Remove " + property + " or correct its name. " + (underDefaults
						? "Defaults take: " + ListenerPropertyNames.DEFAULT_KEYS
						: "Under " + ListenerPropertyNames.ROOT + " go: " + ListenerPropertyNames.ROOT_KEYS) + ".",
				cause);
	}

	private FailureAnalysis invalidValue(BindException cause) {
		String property = cause.getName().toString();
		Object value = (cause.getProperty() != null) ? cause.getProperty().getValue() : null;
		Origin origin = (cause.getProperty() != null) ? cause.getProperty().getOrigin() : null;
		String listener = ListenerPropertyNames.listenerName(cause.getName());
		boolean wholeNumber = isWholeNumber(cause.getTarget().getType()) && value != null
				&& WHOLE_NUMBER.matcher(value.toString().strip()).matches();
		if (wholeNumber && ListenerPropertyNames.isListenerKey(cause.getName(), "port")) {
			// Too large for an int: the same analysis as a port that binds but is out of range.
			String port = value.toString().strip();
			return ListenerConfigurationFailureAnalyzer.analysis(new ListenerConfigurationException(
					ListenerProblem.PORT_OUT_OF_RANGE, listener, address(listener) + ":" + port, "port", port), cause);
		}
		String expected = wholeNumber ? "a whole number from " + Integer.MIN_VALUE + " to " + Integer.MAX_VALUE
				: expected(cause.getTarget().getType());
		String subject = (listener != null) ? "Listener '" + listener + "'" + on(listener) : "Listeners";
		return new FailureAnalysis(subject + " cannot start: " + property + " is '" + value + "'" + origin(origin)
				+ ", which is not " + expected + ".", "Set " + property + " to " + expected + ".", cause);
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

	private String on(String listener) {
		if (this.environment == null) {
			return "";
		}
		// An empty value is a value that is not set, as the properties bind it.
		String path = this.environment.getProperty(ListenerPropertyNames.listener(listener, "path"));
		if (StringUtils.hasLength(path)) {
			return " on unix:" + path;
		}
		String port = this.environment.getProperty(ListenerPropertyNames.listener(listener, "port"));
		if (!StringUtils.hasLength(port)) {
			return "";
		}
		return " on " + address(listener) + ":" + port;
	}

	private String address(String listener) {
		String address = null;
		if (this.environment != null) {
			address = this.environment.getProperty(ListenerPropertyNames.listener(listener, "address"));
			if (!StringUtils.hasLength(address)) {
				address = this.environment.getProperty(ListenerPropertyNames.defaults("address"));
			}
		}
		return StringUtils.hasLength(address) ? address : "0.0.0.0";
	}

	private static String origin(Origin origin) {
		return (origin != null) ? " (from " + origin + ")" : "";
	}

}
