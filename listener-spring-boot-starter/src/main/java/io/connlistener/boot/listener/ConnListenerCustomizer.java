package io.connlistener.boot.listener;

import io.connlistener.ConnListenerBuilder;

/**
 * Callback that customizes how each listener is built, just before it binds: add options,
 * set an error callback, change settings. Customizers run in
 * {@link org.springframework.core.Ordered order}; the accept callback is set after them, by
 * the listener's {@link io.connlistener.boot.handler.ConnectionHandler handler}.
 */
@FunctionalInterface
public interface ConnListenerCustomizer {

	/**
	 * Customize the builder of a listener.
	 * @param name the listener's name
	 * @param builder the builder, already holding the configured values
	 */
	void customize(String name, ConnListenerBuilder builder);

}
