package io.connlistener.boot.listener.serving;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import io.connlistener.AcceptCallback;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.ConnectionHandlerDiscoverer.DiscoveredHandler;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.loop.EventLoopGroup;

/**
 * Matches discovered handlers to listeners, one each, and adapts each to its style. A
 * mismatch is a {@link ListenerConfigurationException} that names the listener, its
 * address and the property to change.
 */
public final class HandlerAdapters {

	static final String PROPERTY_PREFIX = "conn-listener.listeners.";

	private static final String STYLES = AcceptCallback.class.getSimpleName() + " (raw), "
			+ BufferedHandler.class.getSimpleName() + " (buffered) or "
			+ BlockingConnectionHandler.class.getSimpleName() + " (blocking)";

	private final EventLoopGroup ioLoopGroup;

	private final boolean virtualThreads;

	/**
	 * Create the adapters of one lifecycle.
	 * @param ioLoopGroup the loops that serve buffered connections
	 * @param virtualThreads whether blocking handlers run on virtual threads
	 */
	public HandlerAdapters(EventLoopGroup ioLoopGroup, boolean virtualThreads) {
		this.ioLoopGroup = ioLoopGroup;
		this.virtualThreads = virtualThreads;
	}

	/**
	 * Check that every listener has exactly one handler and every handler a listener.
	 * @param registry the listeners
	 * @param handlers the handler beans found in the context
	 * @return the handler of each listener, by listener name
	 */
	public static Map<String, DiscoveredHandler> match(ConnListenerRegistry registry,
			List<DiscoveredHandler> handlers) {
		Map<String, List<DiscoveredHandler>> byListener = new LinkedHashMap<>();
		for (DiscoveredHandler handler : handlers) {
			if (registry.find(handler.listenerName()).isEmpty()) {
				throw noSuchListener(registry, handler);
			}
			byListener.computeIfAbsent(handler.listenerName(), (name) -> new ArrayList<>()).add(handler);
		}
		Map<String, DiscoveredHandler> matched = new LinkedHashMap<>();
		for (ManagedConnListener listener : registry.all()) {
			List<DiscoveredHandler> candidates = byListener.getOrDefault(listener.name(), List.of());
			if (candidates.isEmpty()) {
				throw noHandler(listener);
			}
			if (candidates.size() > 1) {
				throw severalHandlers(listener, candidates);
			}
			matched.put(listener.name(), candidates.get(0));
		}
		return matched;
	}

	/**
	 * Adapt a listener's handler to its style.
	 * @param listener the listener
	 * @param handler its handler
	 * @return the adapter
	 * @throws ListenerConfigurationException if the bean implements no handler interface
	 */
	public HandlerAdapter adapt(ManagedConnListener listener, DiscoveredHandler handler) {
		if (handler.handler() instanceof AcceptCallback callback) {
			return new RawHandlerAdapter(handler.beanName(), callback);
		}
		if (handler.handler() instanceof BufferedHandler buffered) {
			return new BufferedHandlerAdapter(handler.beanName(), buffered, this.ioLoopGroup,
					listener.definition().buffered());
		}
		if (handler.handler() instanceof BlockingConnectionHandler blocking) {
			ListenerDefinition definition = listener.definition();
			return new BlockingHandlerAdapter(handler.beanName(), blocking, HandlerThreads.create(listener.name(),
					definition.maxConnections(), definition.settings().maxAcceptsPerWakeup(), this.virtualThreads),
					definition.idleTimeout(), definition.writeTimeout());
		}
		throw new ListenerConfigurationException(listener.name(), PROPERTY_PREFIX + listener.name(),
				"Bean '" + handler.beanName() + "' of type " + handler.handler().getClass().getName()
						+ " is annotated with @ConnectionHandler(\"" + listener.name() + "\") for listener '"
						+ listener.name() + "' on " + address(listener) + ", but implements no handler interface.",
				"Make bean '" + handler.beanName() + "' implement " + STYLES + ".");
	}

	private static ListenerConfigurationException noSuchListener(ConnListenerRegistry registry,
			DiscoveredHandler handler) {
		String name = handler.listenerName();
		return new ListenerConfigurationException(name, PROPERTY_PREFIX + name,
				"Bean '" + handler.beanName() + "' is annotated with @ConnectionHandler(\"" + name
						+ "\"), but no listener '" + name + "' is configured under " + PROPERTY_PREFIX + name
						+ ". Configured listeners: " + registry.names() + ".",
				"Configure listener '" + name + "' with " + PROPERTY_PREFIX + name + ".port (or .path), or change"
						+ " @ConnectionHandler on bean '" + handler.beanName() + "' to name a configured listener.");
	}

	private static ListenerConfigurationException noHandler(ManagedConnListener listener) {
		String name = listener.name();
		return new ListenerConfigurationException(name, PROPERTY_PREFIX + name,
				"Listener '" + name + "' on " + address(listener) + " (" + PROPERTY_PREFIX + name
						+ ") has no handler: no bean is annotated with @ConnectionHandler(\"" + name + "\").",
				"Annotate the bean that serves listener '" + name + "' with @ConnectionHandler(\"" + name
						+ "\"), or remove " + PROPERTY_PREFIX + name + " from the configuration.");
	}

	private static ListenerConfigurationException severalHandlers(ManagedConnListener listener,
			List<DiscoveredHandler> handlers) {
		String name = listener.name();
		String beans = handlers.stream().map((handler) -> "'" + handler.beanName() + "'")
			.collect(Collectors.joining(", "));
		return new ListenerConfigurationException(name, PROPERTY_PREFIX + name,
				"Listener '" + name + "' on " + address(listener) + " (" + PROPERTY_PREFIX + name + ") has "
						+ handlers.size() + " handlers: beans " + beans + " are annotated with @ConnectionHandler(\""
						+ name + "\").",
				"Keep @ConnectionHandler(\"" + name + "\") on one bean only, or configure another listener under "
						+ PROPERTY_PREFIX + "<name> for each other handler.");
	}

	private static String address(ManagedConnListener listener) {
		return listener.definition().describeAddress();
	}

}
