package io.connlistener.boot.listener.serving;

import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.connlistener.AcceptCallback;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.ConnectionHandlerDiscoverer.DiscoveredHandler;
import io.connlistener.boot.handler.MessageHandler;
import io.connlistener.boot.handler.NonBlocking;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ListenerFraming;
import io.connlistener.boot.listener.ListenerProblem;
import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.boot.listener.tls.ListenerTls;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.loop.EventLoopGroup;

import org.springframework.core.ResolvableType;
import org.springframework.core.annotation.AnnotatedElementUtils;
import org.springframework.util.ClassUtils;

/**
 * Matches discovered handlers to listeners, one each, and adapts each to its style. A
 * mismatch is a {@link ListenerConfigurationException} with the listener, its address and
 * the beans concerned; so is a raw handler of a TLS listener, which would see encrypted
 * bytes (the buffered and blocking styles see plaintext). A message handler needs the
 * listener's {@code framing}, and may take only {@code String}, {@code byte[]} or
 * {@code ByteBuffer} messages; a handler of another style refuses framing the listener sets
 * itself (the defaults' is there for the message handlers), as it reads the bytes itself.
 */
public final class HandlerAdapters {

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
		ListenerTls tls = listener.definition().tls();
		ListenerFraming framing = listener.definition().framing();
		if (handler.handler() instanceof MessageHandler<?> messages) {
			return messageAdapter(listener, handler, messages, framing);
		}
		if (framing != null && framing.isOwn()) {
			// Framing would be ignored: raw, buffered and blocking handlers read the bytes themselves.
			throw new ListenerConfigurationException(ListenerProblem.FRAMING_OF_OTHER_HANDLER, listener.name(),
					address(listener), framing.ownKey(), null, handler.beanName(), style(handler.handler()));
		}
		if (handler.handler() instanceof AcceptCallback callback) {
			if (tls != null) {
				// The raw channel carries TLS records: the handler would have to run the engine itself.
				throw ListenerConfigurationException.of(ListenerProblem.RAW_HANDLER_ON_TLS_LISTENER, listener.name(),
						address(listener), "tls.bundle", tls.isBundleFromDefaults(), tls.bundleName(), null,
						handler.beanName());
			}
			return new RawHandlerAdapter(handler.beanName(), callback);
		}
		if (handler.handler() instanceof BufferedHandler buffered) {
			return new BufferedHandlerAdapter(handler.beanName(), buffered, this.ioLoopGroup,
					listener.definition().buffered(), listener.traffic());
		}
		if (handler.handler() instanceof BlockingConnectionHandler blocking) {
			ListenerDefinition definition = listener.definition();
			return new BlockingHandlerAdapter(handler.beanName(), blocking, HandlerThreads.create(listener.name(),
					definition.maxConnections(), definition.settings().maxAcceptsPerWakeup(), this.virtualThreads),
					definition.idleTimeout(), definition.writeTimeout(), listener.traffic());
		}
		throw new ListenerConfigurationException(ListenerProblem.NOT_A_HANDLER, listener.name(), address(listener),
				null, null, handler.beanName(), handler.handler().getClass().getName());
	}

	@SuppressWarnings("unchecked")
	private HandlerAdapter messageAdapter(ManagedConnListener listener, DiscoveredHandler handler,
			MessageHandler<?> messages, ListenerFraming framing) {
		Class<?> type = ResolvableType.forClass(ClassUtils.getUserClass(messages))
			.as(MessageHandler.class)
			.getGeneric(0)
			.resolve();
		if (type == null) {
			// A lambda's class names no type argument; its @Bean method's return type may.
			type = handler.declaredType().as(MessageHandler.class).getGeneric(0).resolve();
		}
		MessageCodec codec = (type != null) ? MessageCodec.of(type) : null;
		if (codec == null) {
			throw new ListenerConfigurationException(ListenerProblem.UNSUPPORTED_MESSAGE_TYPE, listener.name(),
					address(listener), null, null, handler.beanName(), (type != null) ? type.getName() : null);
		}
		if (framing == null || !framing.isFramed()) {
			throw new ListenerConfigurationException(ListenerProblem.FRAMING_REQUIRED, listener.name(),
					address(listener), "framing.type", null, handler.beanName());
		}
		ListenerDefinition definition = listener.definition();
		boolean onLoop = AnnotatedElementUtils.hasAnnotation(ClassUtils.getUserClass(messages), NonBlocking.class);
		// One task at a time per connection, and a close's onClose after its last message.
		HandlerThreads threads = onLoop ? null
				: HandlerThreads.createForTasks(listener.name(), definition.maxConnections() + 1, this.virtualThreads);
		return new MessageHandlerAdapter(handler.beanName(), (MessageHandler<Object>) messages, codec, framing,
				this.ioLoopGroup, definition.buffered(), threads, listener.messages(), listener.messageObserver(),
				listener.traffic());
	}

	/**
	 * Name a handler's style as failure analysis shows it.
	 */
	private static String style(Object handler) {
		if (handler instanceof AcceptCallback) {
			return "raw";
		}
		if (handler instanceof BufferedHandler) {
			return "buffered";
		}
		return (handler instanceof BlockingConnectionHandler) ? "blocking" : "none";
	}

	private static ListenerConfigurationException noSuchListener(ConnListenerRegistry registry,
			DiscoveredHandler handler) {
		return new ListenerConfigurationException(ListenerProblem.HANDLER_OF_NO_LISTENER, handler.listenerName(), null,
				null, null, handler.beanName(), registry.names());
	}

	private static ListenerConfigurationException noHandler(ManagedConnListener listener) {
		return new ListenerConfigurationException(ListenerProblem.NO_HANDLER, listener.name(), address(listener), null,
				null);
	}

	private static ListenerConfigurationException severalHandlers(ManagedConnListener listener,
			List<DiscoveredHandler> handlers) {
		List<String> beans = handlers.stream().map(DiscoveredHandler::beanName).toList();
		return new ListenerConfigurationException(ListenerProblem.SEVERAL_HANDLERS, listener.name(), address(listener),
				null, null, beans);
	}

	private static String address(ManagedConnListener listener) {
		return listener.definition().describeAddress();
	}

}
