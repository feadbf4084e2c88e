package io.connlistener.boot.listener;

import java.util.Collection;
import java.util.Collections;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.NoSuchElementException;
import java.util.Optional;
import java.util.Set;

import org.springframework.util.Assert;

/**
 * The listeners of an application, by name, in the order they are configured. Creating
 * the registry binds nothing; {@link ConnListenerLifecycle} binds the listeners when the
 * application context starts.
 * <p>
 * Safe to use from any thread.
 */
public final class ConnListenerRegistry {

	private final Map<String, ManagedConnListener> listeners;

	/**
	 * Create a registry of listeners.
	 * @param definitions the listeners' definitions, with distinct names
	 */
	public ConnListenerRegistry(Collection<ListenerDefinition> definitions) {
		Assert.notNull(definitions, "'definitions' must not be null");
		Map<String, ManagedConnListener> listeners = new LinkedHashMap<>();
		for (ListenerDefinition definition : definitions) {
			ManagedConnListener previous = listeners.put(definition.name(), new ManagedConnListener(definition));
			Assert.isNull(previous, () -> "Listener '" + definition.name() + "' is defined twice");
		}
		this.listeners = Collections.unmodifiableMap(listeners);
	}

	/**
	 * Return the listener with the given name.
	 * @param name the listener's name
	 * @return the listener
	 * @throws NoSuchElementException if no listener has that name
	 */
	public ManagedConnListener get(String name) {
		return find(name).orElseThrow(() -> new NoSuchElementException(
				"No listener named '" + name + "'; configured listeners: " + names()));
	}

	/**
	 * Return the listener with the given name, if there is one.
	 * @param name the listener's name
	 * @return the listener, or empty
	 */
	public Optional<ManagedConnListener> find(String name) {
		return Optional.ofNullable(this.listeners.get(name));
	}

	/**
	 * Return the names of the listeners, in configuration order.
	 * @return an unmodifiable set
	 */
	public Set<String> names() {
		return this.listeners.keySet();
	}

	/**
	 * Return every listener, in configuration order.
	 * @return an unmodifiable collection
	 */
	public Collection<ManagedConnListener> all() {
		return this.listeners.values();
	}

}
