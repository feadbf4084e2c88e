package io.connlistener.boot.observation;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The default {@link MessageObservationConvention}: the name {@code conn.listener.message};
 * low-cardinality keys {@code listener}, {@code outcome} ({@code success} or {@code error})
 * and {@code error.type} (the simple name of the exception the handler threw, or
 * {@code none}); the high-cardinality keys {@code network.peer.address} and
 * {@code connection.id} (the {@code ConnectionRegistry}'s), for traces only.
 */
public class DefaultMessageObservationConvention implements MessageObservationConvention {

	private static final String NAME = "conn.listener.message";

	private static final String LISTENER = "listener";

	private static final String OUTCOME = "outcome";

	private static final String ERROR_TYPE = "error.type";

	private static final String NETWORK_PEER_ADDRESS = "network.peer.address";

	private static final String CONNECTION_ID = "connection.id";

	private static final String NONE = "none";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(MessageObservationContext context) {
		return "message " + context.getListenerName();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(MessageObservationContext context) {
		Throwable error = context.getError();
		return KeyValues.of(KeyValue.of(LISTENER, context.getListenerName()),
				KeyValue.of(OUTCOME, (error != null) ? "error" : "success"),
				KeyValue.of(ERROR_TYPE, (error != null) ? error.getClass().getSimpleName() : NONE));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(MessageObservationContext context) {
		return KeyValues.of(
				KeyValue.of(NETWORK_PEER_ADDRESS, ConnectionSetupObservationContext.describe(context.getRemoteAddress())),
				KeyValue.of(CONNECTION_ID, Long.toString(context.getConnectionId())));
	}

}
