package io.connlistener.boot.observation;

import io.connlistener.ConnListenerBuilder;
import io.connlistener.boot.handler.MessageContext;
import io.connlistener.boot.listener.ConnListenerCustomizer;
import io.connlistener.boot.listener.MessageObserver;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

import org.springframework.util.Assert;

/**
 * The observations of connection listeners, in one {@link ObservationRegistry} (the
 * application's, never a global one): as a {@link ConnListenerCustomizer}, it has every
 * listener start a {@code conn.listener.connection.setup} observation for each connection it
 * accepts (when created with them); as a {@link MessageObserver}, it runs each call of a
 * message handler in a {@code conn.listener.message} observation whose scope is open on the
 * handler thread, so that the handler's log lines carry the trace.
 * <p>
 * Conventions given replace the defaults; a {@code null} one means the default (or the
 * registry's global convention for the context, if it has one).
 */
public class ConnListenerObservations implements ConnListenerCustomizer, MessageObserver {

	private static final DefaultMessageObservationConvention DEFAULT_MESSAGE_CONVENTION = new DefaultMessageObservationConvention();

	private final ObservationRegistry registry;

	private final ConnectionSetupObservationConvention setupConvention;

	private final MessageObservationConvention messageConvention;

	private final boolean observeSetups;

	/**
	 * Create the observations.
	 * @param registry where the observations go
	 * @param setupConvention the convention of setup observations, or {@code null}
	 * @param messageConvention the convention of message observations, or {@code null}
	 * @param observeSetups whether listeners customized by this observe each connection's
	 * setup ({@code conn-listener.connection-observations})
	 */
	public ConnListenerObservations(ObservationRegistry registry, ConnectionSetupObservationConvention setupConvention,
			MessageObservationConvention messageConvention, boolean observeSetups) {
		Assert.notNull(registry, "'registry' must not be null");
		this.registry = registry;
		this.setupConvention = setupConvention;
		this.messageConvention = messageConvention;
		this.observeSetups = observeSetups;
	}

	@Override
	public void customize(String name, ConnListenerBuilder builder) {
		if (!this.observeSetups || this.registry.isNoop()) {
			return;
		}
		builder.onConnectionAccepted(new ConnectionSetupObservations(name, this.registry, this.setupConvention));
	}

	@Override
	public Object observe(MessageContext connection, Call call) {
		return Observation
			.createNotStarted(this.messageConvention, DEFAULT_MESSAGE_CONVENTION,
					() -> new MessageObservationContext(connection), this.registry)
			.observe(call::handle);
	}

}
