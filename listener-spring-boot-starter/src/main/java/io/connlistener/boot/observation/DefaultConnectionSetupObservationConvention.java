package io.connlistener.boot.observation;

import io.micrometer.common.KeyValue;
import io.micrometer.common.KeyValues;

/**
 * The default {@link ConnectionSetupObservationConvention}: the name
 * {@code conn.listener.connection.setup}; low-cardinality keys {@code listener},
 * {@code outcome}, {@code network.transport}, {@code tls.protocol} and {@code error.type},
 * every one always present ({@code none} when it does not apply), so that a timer made of
 * them keeps one set of tags; high-cardinality keys, for traces only,
 * {@code network.peer.address} and {@code connection.id}. No address is ever a
 * low-cardinality key.
 */
public class DefaultConnectionSetupObservationConvention implements ConnectionSetupObservationConvention {

	private static final String NAME = "conn.listener.connection.setup";

	private static final String LISTENER = "listener";

	private static final String OUTCOME = "outcome";

	private static final String NETWORK_TRANSPORT = "network.transport";

	private static final String TLS_PROTOCOL = "tls.protocol";

	private static final String ERROR_TYPE = "error.type";

	private static final String NETWORK_PEER_ADDRESS = "network.peer.address";

	private static final String CONNECTION_ID = "connection.id";

	private static final String NONE = "none";

	private static final String UNKNOWN = "unknown";

	@Override
	public String getName() {
		return NAME;
	}

	@Override
	public String getContextualName(ConnectionSetupObservationContext context) {
		return "connection setup " + context.getListenerName();
	}

	@Override
	public KeyValues getLowCardinalityKeyValues(ConnectionSetupObservationContext context) {
		ConnectionSetupOutcome outcome = context.getOutcome();
		return KeyValues.of(KeyValue.of(LISTENER, context.getListenerName()),
				KeyValue.of(OUTCOME, (outcome != null) ? outcome.value() : UNKNOWN),
				KeyValue.of(NETWORK_TRANSPORT, context.getTransport()),
				KeyValue.of(TLS_PROTOCOL, orNone(context.getTlsProtocol())),
				KeyValue.of(ERROR_TYPE, orNone(context.getErrorType())));
	}

	@Override
	public KeyValues getHighCardinalityKeyValues(ConnectionSetupObservationContext context) {
		return KeyValues.of(
				KeyValue.of(NETWORK_PEER_ADDRESS, ConnectionSetupObservationContext.describe(context.getRemoteAddress())),
				KeyValue.of(CONNECTION_ID, context.getConnectionId()));
	}

	private static String orNone(String value) {
		return (value != null) ? value : NONE;
	}

}
