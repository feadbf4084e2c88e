package io.connlistener.boot.diagnostics;

import io.connlistener.boot.autoconfigure.ConnListenerProperties;
import io.connlistener.boot.listener.ListenerConfigurationException;

import org.springframework.boot.context.properties.source.ConfigurationPropertyName;
import org.springframework.boot.context.properties.source.ConfigurationPropertyName.Form;

/**
 * The names of the properties that failure analysis tells users to change: the one place
 * that spells where a listener's keys, the defaults and the other keys of
 * {@code conn-listener} live (checked against the configuration metadata by
 * {@code ListenerPropertyNamesTests}). Exceptions carry keys relative to a listener; this turns
 * them into the names people write.
 */
final class ListenerPropertyNames {

	static final ConfigurationPropertyName ROOT = ConfigurationPropertyName.of(ConnListenerProperties.PREFIX);

	static final ConfigurationPropertyName LISTENERS = ROOT.append("listeners");

	static final ConfigurationPropertyName DEFAULTS = ROOT.append("defaults");

	/** The keys that both the defaults and each listener take. */
	static final String DEFAULT_KEYS = "address, backlog, options, enabled, max-connections, "
			+ "max-connections-action, max-connections-resume, idle-timeout, write-timeout, spare-file-descriptor, "
			+ "tcp-no-delay, admission.rules, admission.max-connections-per-ip, admission.accept-rate, "
			+ "admission.accept-burst, buffered.read-buffer-size, buffered.read-high-watermark, "
			+ "buffered.write-high-watermark, buffered.write-low-watermark, accept-error-backoff.initial, "
			+ "accept-error-backoff.max, max-accepts-per-wakeup, deferred-accept-timeout, proxy-protocol, "
			+ "trusted-proxies, proxy-protocol-timeout, acceptors, follow-readiness, unbind-on-disable, "
			+ "disable-delay, path-permissions, tls.bundle, tls.server-name-bundles[].server-name, "
			+ "tls.server-name-bundles[].bundle, tls.client-auth, tls.handshake-timeout, tls.client-hello-max-size, "
			+ "tls.application-protocols, framing.type, framing.max-frame-size, framing.frame-timeout, framing.charset, "
			+ "framing.delimiter, framing.length-field.size, framing.length-field.offset, "
			+ "framing.length-field.adjustment, framing.length-field.strip, framing.length-field.order, "
			+ "framing.record-size";

	/** The keys a listener takes. */
	static final String LISTENER_KEYS = "port, path, " + DEFAULT_KEYS + ", inherited, channel-bean";

	/** What goes directly under {@code conn-listener}. */
	static final String ROOT_KEYS = "enabled, io-threads, dedicated-acceptor-loop, arrival-batching, connection-observations, "
			+ "message-observations, defaults.*, listeners.<name>.*";

	private ListenerPropertyNames() {
	}

	/**
	 * Return the name under which a listener is configured.
	 * @param listener the listener's name, as configured
	 * @return {@code conn-listener.listeners.<listener>}
	 */
	static String listener(String listener) {
		return LISTENERS + "." + listener;
	}

	/**
	 * Return the name of one of a listener's own properties.
	 * @param listener the listener's name, as configured
	 * @param key the key, relative to the listener
	 * @return {@code conn-listener.listeners.<listener>.<key>}
	 */
	static String listener(String listener, String key) {
		return listener(listener) + "." + key;
	}

	/**
	 * Return the name of a property of the defaults.
	 * @param key the key, relative to the defaults
	 * @return {@code conn-listener.defaults.<key>}
	 */
	static String defaults(String key) {
		return DEFAULTS + "." + key;
	}

	/**
	 * Return the name of the property a failure says to change: the listener's own, the
	 * default's it takes, or one of {@code conn-listener} itself.
	 * @param failure the failure
	 * @return the property's name
	 */
	static String of(ListenerConfigurationException failure) {
		if (failure.getListenerName() == null) {
			return ROOT + "." + failure.getKey();
		}
		return failure.isFromDefaults() ? defaults(failure.getKey())
				: listener(failure.getListenerName(), failure.getKey());
	}

	/**
	 * Return the listener that a property belongs to.
	 * @param name the property's name
	 * @return the listener's name, as configured, or {@code null} if it is none's
	 */
	static String listenerName(ConfigurationPropertyName name) {
		return LISTENERS.isAncestorOf(name) ? name.getElement(LISTENERS.getNumberOfElements(), Form.ORIGINAL) : null;
	}

	/**
	 * Return whether a property is a listener's own key, such as its {@code port}.
	 * @param name the property's name
	 * @param key the key, relative to the listener
	 * @return {@code true} for {@code conn-listener.listeners.<any>.<key>}
	 */
	static boolean isListenerKey(ConfigurationPropertyName name, String key) {
		return name.getNumberOfElements() == LISTENERS.getNumberOfElements() + 2 && LISTENERS.isAncestorOf(name)
				&& name.getLastElement(Form.UNIFORM).equals(key);
	}

}
