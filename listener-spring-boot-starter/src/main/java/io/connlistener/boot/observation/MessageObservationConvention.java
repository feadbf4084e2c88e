package io.connlistener.boot.observation;

import io.micrometer.observation.Observation;
import io.micrometer.observation.ObservationConvention;

/**
 * {@link ObservationConvention} of the {@code conn.listener.message} observation. A bean of
 * this type replaces {@link DefaultMessageObservationConvention}.
 */
public interface MessageObservationConvention extends ObservationConvention<MessageObservationContext> {

	@Override
	default boolean supportsContext(Observation.Context context) {
		return context instanceof MessageObservationContext;
	}

}
