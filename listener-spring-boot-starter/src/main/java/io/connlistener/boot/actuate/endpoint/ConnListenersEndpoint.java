package io.connlistener.boot.actuate.endpoint;

import java.security.Principal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ConnectionInfo;
import io.connlistener.boot.listener.ConnectionRegistry;
import io.connlistener.boot.listener.ManagedConnListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.jspecify.annotations.Nullable;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.InvalidEndpointRequestException;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.DeleteOperation;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;

/**
 * {@link Endpoint @Endpoint} that shows every connection listener and switches one on or
 * off: {@code GET /actuator/connlisteners}, {@code GET /actuator/connlisteners/{name}} and
 * {@code POST /actuator/connlisteners/{name}} with {@code {"enabled": false}}; and shows a
 * listener's open connections and closes one:
 * {@code GET /actuator/connlisteners/{name}/connections?limit=50&sort=bytes} and
 * {@code DELETE /actuator/connlisteners/{name}/connections/{id}}. Read-only unless
 * {@code management.endpoint.connlisteners.access=unrestricted}.
 */
@Endpoint(id = ConnListenersEndpoint.ID, defaultAccess = Access.READ_ONLY)
public class ConnListenersEndpoint {

	/** The endpoint's id. */
	public static final String ID = "connlisteners";

	/** The path segment under a listener that lists its connections. */
	public static final String CONNECTIONS = "connections";

	/** How many connections a list shows unless asked for another number. */
	public static final int DEFAULT_CONNECTIONS_LIMIT = 100;

	/** Most connections a list shows, whatever it asks for. */
	public static final int MAX_CONNECTIONS_LIMIT = 1000;

	private static final Log logger = LogFactory.getLog(ConnListenersEndpoint.class);

	private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(1);

	private final ConnListenerRegistry registry;

	private final ConnectionRegistry connections;

	private final ApplicationEventPublisher eventPublisher;

	/**
	 * Create an endpoint over the given listeners.
	 * @param registry the listeners
	 * @param connections their open connections
	 * @param eventPublisher publishes a {@link ConnListenerEnabledEvent} for each change
	 */
	public ConnListenersEndpoint(ConnListenerRegistry registry, ConnectionRegistry connections,
			ApplicationEventPublisher eventPublisher) {
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(connections, "'connections' must not be null");
		Assert.notNull(eventPublisher, "'eventPublisher' must not be null");
		this.registry = registry;
		this.connections = connections;
		this.eventPublisher = eventPublisher;
	}

	/**
	 * Describe every listener.
	 * @return the listeners by name, in configuration order
	 */
	@ReadOperation
	public ConnListenersDescriptor listeners() {
		Map<String, ListenerDescriptor> listeners = new LinkedHashMap<>();
		for (ManagedConnListener listener : this.registry.all()) {
			listeners.put(listener.name(), ListenerDescriptor.of(listener));
		}
		return new ConnListenersDescriptor(listeners);
	}

	/**
	 * Describe one listener.
	 * @param name the listener's name
	 * @return its descriptor, or {@code null} (a 404) if no listener has that name
	 */
	@ReadOperation
	public ListenerDescriptor listener(@Selector String name) {
		return this.registry.find(name).map(ListenerDescriptor::of).orElse(null);
	}

	/**
	 * Enable or disable one listener. Idempotent; never creates a listener.
	 * @param securityContext who asks
	 * @param name the listener's name
	 * @param enabled the wanted state
	 * @return the listener's new descriptor, or {@code null} if no listener has that name
	 */
	@WriteOperation
	public ListenerDescriptor setEnabled(SecurityContext securityContext, @Selector String name, boolean enabled) {
		Optional<ManagedConnListener> found = this.registry.find(name);
		if (found.isEmpty()) {
			return null;
		}
		ManagedConnListener listener = found.get();
		boolean before = listener.isEnabled();
		awaitApplied(listener, enabled, enabled ? listener.enableAsync() : listener.disableAsync());
		Principal principal = (securityContext != null) ? securityContext.getPrincipal() : null;
		String who = (principal != null) ? principal.getName() : "an anonymous caller";
		logger.info("Listener '" + name + "' " + (enabled ? "enabled" : "disabled") + " through the " + ID
				+ " endpoint by " + who + ((before == enabled) ? " (no change)" : ""));
		this.eventPublisher.publishEvent(new ConnListenerEnabledEvent(this, name, enabled, before != enabled,
				(principal != null) ? principal.getName() : null));
		return ListenerDescriptor.of(listener);
	}

	/**
	 * List the open connections of one listener, the first {@code limit} in an order.
	 * @param name the listener's name
	 * @param segment {@code connections}
	 * @param limit how many at most: 100 unless given, never more than 1,000
	 * @param sort {@code age} (oldest first, unless given) or {@code bytes} (most first)
	 * @return the connections, or {@code null} (a 404) if no listener has that name
	 * @throws InvalidEndpointRequestException (a 400) for a limit below 1 or another order
	 */
	@ReadOperation
	public ConnectionsDescriptor connections(@Selector String name, @Selector String segment,
			@Nullable Integer limit, @Nullable String sort) {
		Optional<ManagedConnListener> found = this.registry.find(name);
		if (found.isEmpty() || !CONNECTIONS.equals(segment)) {
			return null;
		}
		int wanted = (limit != null) ? limit : DEFAULT_CONNECTIONS_LIMIT;
		if (wanted < 1) {
			throw new InvalidEndpointRequestException("'limit' must be at least 1, but is " + wanted,
					"Invalid 'limit'");
		}
		ConnectionRegistry.Order order = order(sort);
		int capped = Math.min(wanted, MAX_CONNECTIONS_LIMIT);
		List<ConnectionDescriptor> connections = this.connections.list(name, order, capped)
			.stream()
			.map(ConnectionDescriptor::of)
			.toList();
		return new ConnectionsDescriptor(name, found.get().activeConnections(), capped,
				order.name().toLowerCase(Locale.ROOT), connections);
	}

	private static ConnectionRegistry.Order order(String sort) {
		if (sort == null || sort.isBlank()) {
			return ConnectionRegistry.Order.AGE;
		}
		for (ConnectionRegistry.Order order : ConnectionRegistry.Order.values()) {
			if (order.name().equalsIgnoreCase(sort.strip())) {
				return order;
			}
		}
		throw new InvalidEndpointRequestException("'sort' must be age or bytes, but is '" + sort + "'",
				"Invalid 'sort'");
	}

	/**
	 * Close one open connection of a listener now, counted with reason
	 * {@code closed-by-operator}.
	 * @param securityContext who asks
	 * @param name the listener's name
	 * @param segment {@code connections}
	 * @param id the connection's id
	 * @return what the connection was, or {@code null} if the listener has no open
	 * connection with that id
	 */
	@DeleteOperation
	public ConnectionDescriptor closeConnection(SecurityContext securityContext, @Selector String name,
			@Selector String segment, @Selector String id) {
		ConnectionInfo connection = findConnection(name, segment, id);
		if (connection == null || !this.connections.close(connection.id())) {
			return null;
		}
		Principal principal = (securityContext != null) ? securityContext.getPrincipal() : null;
		String who = (principal != null) ? principal.getName() : "an anonymous caller";
		logger.info("Connection " + connection.id() + " from " + connection.remoteAddress() + " to listener '" + name
				+ "' closed through the " + ID + " endpoint by " + who);
		return ConnectionDescriptor.of(connection);
	}

	private ConnectionInfo findConnection(String name, String segment, String id) {
		if (!CONNECTIONS.equals(segment)) {
			return null;
		}
		long parsed;
		try {
			parsed = Long.parseLong(id);
		}
		catch (NumberFormatException ex) {
			// No connection has an id that is not a number.
			return null;
		}
		return this.connections.find(parsed).filter((info) -> info.listener().equals(name)).orElse(null);
	}

	/**
	 * Wait, briefly, until the sockets have settled (accepting, paused, bound again, or
	 * released), which is once each acceptor's loop has applied the change, so that the
	 * answer shows whether the listener accepts now rather than before the call. A disable
	 * during {@code disable-delay} answers at once: the listener is out of service and still
	 * accepting.
	 */
	private static void awaitApplied(ManagedConnListener listener, boolean enabled, CompletableFuture<Void> settled) {
		if (!enabled && !listener.definition().deployment().disableDelay().isZero()) {
			return;
		}
		try {
			settled.get(APPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
		}
		catch (ExecutionException | TimeoutException ex) {
			// Still switching, or a busy loop: answer with what is known now.
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	/**
	 * Every listener, by name. An {@link OperationResponseBody}, so that Actuator's own
	 * JSON mapper writes it, whatever the application's {@code spring.jackson.*} settings.
	 *
	 * @param listeners the descriptors by name
	 */
	public record ConnListenersDescriptor(Map<String, ListenerDescriptor> listeners) implements OperationResponseBody {
	}

}
