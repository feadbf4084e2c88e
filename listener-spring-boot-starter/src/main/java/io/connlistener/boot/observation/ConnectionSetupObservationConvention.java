package io.connlistener.boot.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of the {@code conn.listener.connection.setup} observation. A
 * bean of this type replaces {@link DefaultConnectionSetupObservationConvention}.
 */
public interface ConnectionSetupObservationConvention
		extends ObservationConvention<ConnectionSetupObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof ConnectionSetupObservationContext;
	}

}
