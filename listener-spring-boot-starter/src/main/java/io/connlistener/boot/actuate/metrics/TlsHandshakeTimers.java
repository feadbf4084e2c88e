package io.connlistener.boot.actuate.metrics;

import java.util.EnumMap;
import java.util.Map;
import java.util.concurrent.ConcurrentHashMap;

import io.connlistener.boot.listener.tls.BundleContext;
import io.connlistener.boot.listener.tls.ListenerTls;
import io.connlistener.tls.TlsHandshake;
import io.connlistener.tls.TlsHandshakeObserver;
import io.connlistener.tls.TlsHandshakeOutcome;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;

/**
 * Times the TLS handshakes of one listener by outcome and protocol: one timer per pair,
 * registered ahead for every outcome and for the protocols the listener's bundles enable,
 * so that a handshake finds its timer without registering or allocating on the loop. The
 * protocols come from the JDK's small set, so the tag stays bounded. Called on the
 * listener's loop threads, on several at once with several acceptors.
 */
final class TlsHandshakeTimers implements TlsHandshakeObserver {

	private static final String TLS_HANDSHAKE = "conn.listener.tls.handshake";

	private static final String OUTCOME_TAG = "outcome";

	private static final String PROTOCOL_TAG = "protocol";

	/** The protocol tag of a handshake that negotiated none. */
	private static final String NO_PROTOCOL = "none";

	private final MeterRegistry meterRegistry;

	private final Tags tags;

	private final Map<TlsHandshakeOutcome, Timer> failures = new EnumMap<>(TlsHandshakeOutcome.class);

	private final Map<String, Timer> successes = new ConcurrentHashMap<>();

	TlsHandshakeTimers(MeterRegistry meterRegistry, Tags tags, ListenerTls tls) {
		this.meterRegistry = meterRegistry;
		this.tags = tags;
		for (TlsHandshakeOutcome outcome : TlsHandshakeOutcome.values()) {
			if (outcome != TlsHandshakeOutcome.SUCCESS) {
				this.failures.put(outcome, timer(outcome, NO_PROTOCOL));
			}
		}
		for (BundleContext bundle : tls.bundles().values()) {
			for (String protocol : bundle.context().effectiveProtocols()) {
				this.successes.computeIfAbsent(protocol, (name) -> timer(TlsHandshakeOutcome.SUCCESS, name));
			}
		}
	}

	@Override
	public void handshakeEnded(TlsHandshake handshake) {
		Timer timer;
		if (handshake.outcome() == TlsHandshakeOutcome.SUCCESS) {
			String protocol = (handshake.protocol() != null) ? handshake.protocol() : NO_PROTOCOL;
			timer = this.successes.get(protocol);
			if (timer == null) {
				timer = this.successes.computeIfAbsent(protocol,
						(name) -> timer(TlsHandshakeOutcome.SUCCESS, name));
			}
		}
		else {
			timer = this.failures.get(handshake.outcome());
		}
		timer.record(handshake.duration());
	}

	private Timer timer(TlsHandshakeOutcome outcome, String protocol) {
		return Timer.builder(TLS_HANDSHAKE)
			.description("TLS handshakes, from the start of the handshake stage to its end")
			.tags(this.tags.and(OUTCOME_TAG, outcome.tag()).and(PROTOCOL_TAG, protocol))
			.register(this.meterRegistry);
	}

}
