package io.connlistener.boot.diagnostics;

import java.util.List;
import java.util.Locale;
import java.util.stream.Collectors;

import io.connlistener.AcceptCallback;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.tls.UnusableBundleException;
import io.connlistener.boot.listener.tls.UnusableBundleException.Reason;
import io.connlistener.buffer.BufferedHandler;

import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * The descriptions and actions of a TLS listener that cannot start: an SSL bundle that does
 * not exist, has no key, cannot be read or has no trust store for client certificates, a TLS
 * property of a listener without a bundle, and a raw handler, which cannot see plaintext.
 */
final class TlsFailureTexts {

	private static final String BUNDLES = "spring.ssl.bundle";

	private static final String PLAINTEXT_STYLES = BufferedHandler.class.getSimpleName() + " (buffered) or "
			+ BlockingConnectionHandler.class.getSimpleName() + " (blocking)";

	private TlsFailureTexts() {
	}

	/**
	 * Explain a TLS failure.
	 * @param failure what is wrong
	 * @param subject the listener and where it listens
	 * @param property the property to change
	 * @param cause the exception the analysis is of
	 * @return the analysis
	 */
	static FailureAnalysis analysis(ListenerConfigurationException failure, String subject, String property,
			Throwable cause) {
		String name = failure.getListenerName();
		String bundle = String.valueOf(failure.getValue());
		String is = subject + " cannot start: " + property + " is " + ListenerValueTexts.shown(failure.getValue());
		return switch (failure.getProblem()) {
			case TLS_UNKNOWN_BUNDLE -> {
				List<String> known = failure.getDetail(0);
				String configured = known.isEmpty() ? "No SSL bundles are configured."
						: "Configured bundles: " + quoted(known) + ".";
				yield new FailureAnalysis(is + ", but no SSL bundle has that name. " + configured,
						"Configure SSL bundle '" + bundle + "' under " + pem(bundle) + " (PEM files) or " + jks(bundle)
								+ " (a key store), or set " + property + " to the name of a configured bundle.",
						cause);
			}
			case TLS_BUNDLE_WITHOUT_KEY -> withoutKey(failure, is, property, bundle, cause);
			case TLS_BUNDLE_UNREADABLE -> new FailureAnalysis(
					is + ", but that SSL bundle cannot be loaded: " + reason(failure.getCause()) + ".",
					"Make the files, passwords and key alias of SSL bundle '" + bundle + "' (" + pem(bundle) + ".* or "
							+ jks(bundle) + ".*) readable and right, or set " + property
							+ " to the name of another bundle.",
					cause);
			case TLS_CLIENT_AUTH_WITHOUT_TRUST_STORE -> {
				String trustless = failure.getDetail(0);
				String naming = bundleProperty(failure, failure.getDetail(1), failure.getDetail(2));
				yield new FailureAnalysis(subject + " cannot start: " + property + " is "
						+ String.valueOf(failure.getValue()).toLowerCase(Locale.ROOT) + ", but SSL bundle '" + trustless
						+ "' (" + naming + ") has no trust store to check client certificates against.",
						"Give SSL bundle '" + trustless + "' the certificates of the authorities that sign client "
								+ "certificates (" + pem(trustless) + ".truststore.certificate, or " + jks(trustless)
								+ ".truststore.location), or set " + property + " to none.",
						cause);
			}
			case TLS_SETTING_WITHOUT_BUNDLE -> new FailureAnalysis(is + ", but the listener serves no TLS: neither "
					+ ListenerPropertyNames.listener(name, "tls.bundle") + " nor "
					+ ListenerPropertyNames.defaults("tls.bundle") + " is set.",
					"Set " + ListenerPropertyNames.listener(name, "tls.bundle") + " to the SSL bundle the listener "
							+ "serves, or remove " + property + ".",
					cause);
			case RAW_HANDLER_ON_TLS_LISTENER -> new FailureAnalysis(subject + " serves TLS (" + property + " is '"
					+ bundle + "'), but its handler, bean '" + failure.getDetail(0) + "', is an "
					+ AcceptCallback.class.getSimpleName() + " (raw), which would be given the encrypted channel.",
					"Make bean '" + failure.getDetail(0) + "' implement " + PLAINTEXT_STYLES
							+ ", which see plaintext over TLS, or remove " + property + " to serve plain connections.",
					cause);
			default -> throw new IllegalArgumentException("Not a TLS problem: " + failure.getProblem());
		};
	}

	private static FailureAnalysis withoutKey(ListenerConfigurationException failure, String is, String property,
			String bundle, Throwable cause) {
		Reason reason = failure.getDetail(0);
		String alias = failure.getDetail(1);
		String under = (alias != null) ? " under alias '" + alias + "'" : "";
		String other = ", or set " + property + " to a bundle that has them.";
		return switch (reason) {
			case NO_KEY_STORE -> new FailureAnalysis(is + ", but that SSL bundle has no key store.",
					"Give SSL bundle '" + bundle + "' the listener's certificate chain and private key ("
							+ pem(bundle) + ".keystore.certificate and .keystore.private-key, or " + jks(bundle)
							+ ".keystore.location)" + other,
					cause);
			case NO_PRIVATE_KEY -> new FailureAnalysis(
					is + ", but the key store of that SSL bundle holds no private key" + under + ".",
					"Give SSL bundle '" + bundle + "' the private key of its certificate (" + pem(bundle)
							+ ".keystore.private-key, or a key entry" + under + " in the key store of " + jks(bundle)
							+ ")" + other,
					cause);
			case KEY_DOES_NOT_MATCH -> new FailureAnalysis(
					is + ", but the private key of that SSL bundle" + under + " does not match its certificate.",
					"Give SSL bundle '" + bundle + "' the certificate issued for its private key" + other, cause);
			default -> throw new IllegalArgumentException("Not a missing key: " + reason);
		};
	}

	/**
	 * Return the property that names a bundle: the listener's own or the defaults'.
	 */
	private static String bundleProperty(ListenerConfigurationException failure, String key, boolean fromDefaults) {
		return fromDefaults ? ListenerPropertyNames.defaults(key)
				: ListenerPropertyNames.listener(failure.getListenerName(), key);
	}

	private static String reason(Throwable cause) {
		// The innermost failure names the file or the password problem; only shown, never matched.
		String message = UnusableBundleException.rootMessage(cause);
		return message.endsWith(".") ? message.substring(0, message.length() - 1) : message;
	}

	private static String pem(String bundle) {
		return BUNDLES + ".pem." + bundle;
	}

	private static String jks(String bundle) {
		return BUNDLES + ".jks." + bundle;
	}

	private static String quoted(List<String> names) {
		return names.stream().map((name) -> "'" + name + "'").collect(Collectors.joining(", "));
	}

}
