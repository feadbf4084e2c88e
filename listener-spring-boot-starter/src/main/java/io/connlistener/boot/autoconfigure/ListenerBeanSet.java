package io.connlistener.boot.autoconfigure;

import java.util.ArrayList;
import java.util.List;

import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerProblem;

/**
 * The listeners that {@link ConnListenerBeanRegistrar} registered beans for, checked
 * against the listeners configured now. Without AOT both come from the same configuration
 * and always agree. An AOT-processed application registers the bean definitions written
 * at build time, so the names are the build's: run with other listeners, or with
 * {@code conn-listener.enabled=false}, it fails here, before any listener bean is created,
 * rather than failing to create one or serving a listener that has no bean.
 */
final class ListenerBeanSet {

	/**
	 * Create the set and check it.
	 * @param names the listeners that have beans, in configuration order
	 * @param properties the configuration now
	 * @throws ListenerConfigurationException if the configuration has other listeners
	 */
	ListenerBeanSet(List<String> names, ConnListenerProperties properties) {
		if (!properties.isEnabled()) {
			throw new ListenerConfigurationException(ListenerProblem.DISABLED_AFTER_AOT_PROCESSING, null, null,
					"enabled", false);
		}
		List<String> configured = new ArrayList<>(properties.getListeners().keySet());
		if (!configured.containsAll(names) || !names.containsAll(configured)) {
			throw new ListenerConfigurationException(ListenerProblem.LISTENERS_CHANGED_AFTER_AOT_PROCESSING, null, null,
					"listeners", configured, List.copyOf(names));
		}
	}

}
