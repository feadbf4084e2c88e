package io.connlistener.boot.observation;

import java.lang.invoke.MethodHandles;
import java.lang.invoke.VarHandle;

import io.connlistener.AcceptedConnection;
import io.connlistener.ConnectionSetup;
import io.connlistener.RejectionReason;
import io.connlistener.boot.listener.tracking.TrackedConnection;
import io.micrometer.observation.Observation;

/**
 * The started {@code conn.listener.connection.setup} observation of one connection, which
 * the first end it is told of stops. Once stopped it lets go of the observation, so that a
 * connection that stays open for hours holds one small object and no span.
 */
final class ObservedConnectionSetup implements ConnectionSetup, TrackedConnection.Identified {

	private static final VarHandle OBSERVATION;

	static {
		try {
			OBSERVATION = MethodHandles.lookup()
				.findVarHandle(ObservedConnectionSetup.class, "observation", Observation.class);
		}
		catch (ReflectiveOperationException ex) {
			throw new ExceptionInInitializerError(ex);
		}
	}

	/** Set until the setup ends. */
	private volatile Observation observation;

	private final long connectionId;

	ObservedConnectionSetup(Observation observation, long connectionId) {
		this.observation = observation;
		this.connectionId = connectionId;
	}

	@Override
	public long connectionId() {
		return this.connectionId;
	}

	@Override
	public void rejected(RejectionReason reason) {
		end(ConnectionSetupOutcome.REJECTED, reason.tag());
	}

	@Override
	public void abandoned() {
		end(ConnectionSetupOutcome.ABANDONED, null);
	}

	@Override
	public void handedOver(AcceptedConnection accepted) {
		Observation observation = this.observation;
		if (observation != null) {
			((ConnectionSetupObservationContext) observation.getContext()).handedOver(accepted);
		}
	}

	@Override
	public void ready() {
		end(ConnectionSetupOutcome.READY, null);
	}

	@Override
	public void closed(String reason) {
		boolean timeout = reason != null && reason.endsWith("timeout");
		end(timeout ? ConnectionSetupOutcome.TIMEOUT : ConnectionSetupOutcome.CLOSED, reason);
	}

	private void end(ConnectionSetupOutcome outcome, String errorType) {
		Observation observation = (Observation) OBSERVATION.getAndSet(this, null);
		if (observation != null) {
			((ConnectionSetupObservationContext) observation.getContext()).ended(outcome, errorType);
			observation.stop();
		}
	}

	/**
	 * Return whether the setup has ended.
	 */
	boolean isEnded() {
		return this.observation == null;
	}

}
