package io.connlistener.boot.actuate.endpoint;

import java.security.Principal;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Map;
import java.util.Optional;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.ExecutionException;
import java.util.concurrent.RejectedExecutionException;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.TimeoutException;

import io.connlistener.ConnListener;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ManagedConnListener;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.actuate.endpoint.Access;
import org.springframework.boot.actuate.endpoint.OperationResponseBody;
import org.springframework.boot.actuate.endpoint.SecurityContext;
import org.springframework.boot.actuate.endpoint.annotation.Endpoint;
import org.springframework.boot.actuate.endpoint.annotation.ReadOperation;
import org.springframework.boot.actuate.endpoint.annotation.Selector;
import org.springframework.boot.actuate.endpoint.annotation.WriteOperation;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.util.Assert;

/**
 * {@link Endpoint @Endpoint} that shows every connection listener and switches one on or
 * off: {@code GET /actuator/connlisteners}, {@code GET /actuator/connlisteners/{name}} and
 * {@code POST /actuator/connlisteners/{name}} with {@code {"enabled": false}}. Read-only
 * unless {@code management.endpoint.connlisteners.access=unrestricted}.
 */
@Endpoint(id = ConnListenersEndpoint.ID, defaultAccess = Access.READ_ONLY)
public class ConnListenersEndpoint {

	/** The endpoint's id. */
	public static final String ID = "connlisteners";

	private static final Log logger = LogFactory.getLog(ConnListenersEndpoint.class);

	private static final Duration APPLY_TIMEOUT = Duration.ofSeconds(1);

	private final ConnListenerRegistry registry;

	private final ApplicationEventPublisher eventPublisher;

	/**
	 * Create an endpoint over the given listeners.
	 * @param registry the listeners
	 * @param eventPublisher publishes a {@link ConnListenerEnabledEvent} for each change
	 */
	public ConnListenersEndpoint(ConnListenerRegistry registry, ApplicationEventPublisher eventPublisher) {
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(eventPublisher, "'eventPublisher' must not be null");
		this.registry = registry;
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
		awaitApplied(listener, enabled ? listener.enableAsync() : listener.disableAsync());
		Principal principal = (securityContext != null) ? securityContext.getPrincipal() : null;
		String who = (principal != null) ? principal.getName() : "an anonymous caller";
		logger.info("Listener '" + name + "' " + (enabled ? "enabled" : "disabled") + " through the " + ID
				+ " endpoint by " + who + ((before == enabled) ? " (no change)" : ""));
		this.eventPublisher.publishEvent(new ConnListenerEnabledEvent(this, name, enabled, before != enabled,
				(principal != null) ? principal.getName() : null));
		return ListenerDescriptor.of(listener);
	}

	/**
	 * Wait, briefly, until the sockets have settled (bound again, or released) and each
	 * acceptor's loop has applied the change, so that the answer shows whether the listener
	 * accepts now rather than before the call. During {@code disable-delay} it answers at
	 * once: the listener is out of service and still accepting.
	 */
	private static void awaitApplied(ManagedConnListener listener, CompletableFuture<Void> settled) {
		if (listener.definition().deployment().disableDelay().isZero()) {
			try {
				settled.get(APPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (ExecutionException | TimeoutException ex) {
				// Still switching: answer with what is known now.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
		}
		for (ConnListener acceptor : listener.acceptors()) {
			CompletableFuture<Void> applied = new CompletableFuture<>();
			try {
				acceptor.loop().execute(() -> applied.complete(null));
				applied.get(APPLY_TIMEOUT.toMillis(), TimeUnit.MILLISECONDS);
			}
			catch (RejectedExecutionException | ExecutionException | TimeoutException ex) {
				// A closed or busy loop: answer with what is known now.
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
				return;
			}
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
