package io.connlistener.boot.observation;

import java.net.SocketAddress;

import io.connlistener.ConnectionSetup;
import io.connlistener.ConnectionSetupObserver;
import io.connlistener.boot.listener.tracking.TrackedConnection;
import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationRegistry;

/**
 * Starts a {@code conn.listener.connection.setup} observation for each connection one
 * listener accepts, on the loop thread, before any stage of the accept path. An observation
 * the registry turns off (a predicate, {@code management.observations.enable...}) leaves
 * the connection unobserved, with nothing kept for it.
 */
final class ConnectionSetupObservations implements ConnectionSetupObserver {

	private static final DefaultConnectionSetupObservationConvention DEFAULT_CONVENTION = new DefaultConnectionSetupObservationConvention();

	private final String listenerName;

	private final ObservationRegistry registry;

	private final ConnectionSetupObservationConvention convention;

	ConnectionSetupObservations(String listenerName, ObservationRegistry registry,
			ConnectionSetupObservationConvention convention) {
		this.listenerName = listenerName;
		this.registry = registry;
		this.convention = convention;
	}

	@Override
	public ConnectionSetup accepted(SocketAddress peerAddress) {
		// The id the connections view and the registry will know the connection by.
		long id = TrackedConnection.nextId();
		Observation observation = Observation.createNotStarted(this.convention, DEFAULT_CONVENTION,
				() -> new ConnectionSetupObservationContext(this.listenerName, Long.toString(id), peerAddress),
				this.registry);
		if (observation.isNoop()) {
			return null;
		}
		return new ObservedConnectionSetup(observation.start(), id);
	}

}
