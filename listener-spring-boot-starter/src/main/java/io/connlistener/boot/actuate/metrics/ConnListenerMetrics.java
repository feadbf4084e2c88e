package io.connlistener.boot.actuate.metrics;

import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.util.List;
import java.util.OptionalLong;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.function.ToDoubleFunction;

import io.connlistener.AcceptErrorReason;
import io.connlistener.ListenerStats;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ConnListenerStartedEvent;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.boot.listener.RejectionCounts;
import io.connlistener.boot.listener.tls.ListenerTls;
import io.connlistener.boot.listener.tracking.MessageCounts;
import io.connlistener.boot.listener.tracking.TrafficCounts;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.FunctionCounter;
import io.micrometer.core.instrument.Gauge;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tags;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.binder.MeterBinder;

import org.springframework.context.ApplicationListener;
import org.springframework.util.Assert;

/**
 * {@link MeterBinder} for connection listeners. Every meter is tagged with the listener's
 * name, and reasons come from small fixed sets, so no remote address ever becomes a tag.
 * Meters read the listeners' own counters when scraped: nothing is counted twice and the
 * accept path pays nothing for them. On Linux, the kernel's accept queues of each
 * listener's sockets are gauges too, read from one {@link ListenQueues} snapshot per scrape.
 * A TLS listener's handshakes are timed by outcome and protocol
 * ({@code conn.listener.tls.handshake}); those that fail are its rejections by reason too.
 * A listener served by a message handler counts its messages
 * ({@code conn.listener.messages.received}, {@code .sent}) and times its handler
 * ({@code conn.listener.message.duration}) from its start, when its style is known. The bytes
 * the sockets of a listener's connections move are counters
 * ({@code conn.listener.bytes.received}, {@code .sent}) that read the listener's own
 * totals, and each connection's are recorded once, when it closes
 * ({@code conn.listener.connection.bytes}, by {@code direction}); sends from outside the
 * handlers that a slow client's output made the registry drop are
 * {@code conn.listener.sends.skipped}.
 */
public class ConnListenerMetrics implements MeterBinder, ApplicationListener<ConnListenerStartedEvent> {

	private static final String ACCEPTS = "conn.listener.accepts";

	private static final String ACCEPTOR_ACCEPTS = "conn.listener.acceptor.accepts";

	private static final String ACCEPT_ERRORS = "conn.listener.accept.errors";

	private static final String REJECTIONS = "conn.listener.rejections";

	private static final String ACTIVE_CONNECTIONS = "conn.listener.connections.active";

	private static final String ENABLED = "conn.listener.enabled";

	private static final String ACCEPTING = "conn.listener.accepting";

	private static final String CONNECTION_DURATION = "conn.listener.connection.duration";

	private static final String BACKLOG_QUEUED = "conn.listener.backlog.queued";

	private static final String BACKLOG_LIMIT = "conn.listener.backlog.limit";

	private static final String MESSAGES_RECEIVED = "conn.listener.messages.received";

	private static final String MESSAGES_SENT = "conn.listener.messages.sent";

	private static final String MESSAGE_DURATION = "conn.listener.message.duration";

	private static final String BYTES_RECEIVED = "conn.listener.bytes.received";

	private static final String BYTES_SENT = "conn.listener.bytes.sent";

	private static final String CONNECTION_BYTES = "conn.listener.connection.bytes";

	private static final String SENDS_SKIPPED = "conn.listener.sends.skipped";

	private static final String LISTENER_TAG = "listener";

	private static final String DIRECTION_TAG = "direction";

	private static final String REASON_TAG = "reason";

	private static final String ACCEPTOR_TAG = "acceptor";

	private final ConnListenerRegistry registry;

	private final List<MeterRegistry> meterRegistries = new CopyOnWriteArrayList<>();

	private final ListenQueues listenQueues;

	private final Set<MessageMeters> messageMeters = ConcurrentHashMap.newKeySet();

	/**
	 * Create a binder for the given listeners.
	 * @param registry the listeners
	 */
	public ConnListenerMetrics(ConnListenerRegistry registry) {
		this(registry, new ListenQueues());
	}

	ConnListenerMetrics(ConnListenerRegistry registry, ListenQueues listenQueues) {
		Assert.notNull(registry, "'registry' must not be null");
		this.registry = registry;
		this.listenQueues = listenQueues;
	}

	@Override
	public void bindTo(MeterRegistry meterRegistry) {
		this.meterRegistries.add(meterRegistry);
		for (ManagedConnListener listener : this.registry.all()) {
			bindTo(meterRegistry, listener);
			bindBacklog(meterRegistry, listener);
		}
	}

	/**
	 * Add the accept-queue gauges once a listener has bound, where the kernel reports its
	 * queue: the port is known only then.
	 * @param event the listener's start
	 */
	@Override
	public void onApplicationEvent(ConnListenerStartedEvent event) {
		for (MeterRegistry meterRegistry : this.meterRegistries) {
			bindBacklog(meterRegistry, event.getListener());
			bindMessages(meterRegistry, event.getListener());
		}
	}

	private void bindTo(MeterRegistry meterRegistry, ManagedConnListener listener) {
		Tags tags = Tags.of(LISTENER_TAG, listener.name());
		FunctionCounter.builder(ACCEPTS, listener, fromStats(ListenerStats::accepted))
			.description("Connections accepted")
			.tags(tags)
			.register(meterRegistry);
		int acceptors = listener.definition().deployment().acceptors();
		for (int i = 0; i < acceptors; i++) {
			int acceptor = i;
			// One series per acceptor: at most conn-listener's acceptors limit (64) per listener.
			FunctionCounter.builder(ACCEPTOR_ACCEPTS, listener, (managed) -> managed.accepted(acceptor))
				.description("Connections accepted by one of the listener's sockets")
				.tags(tags.and(ACCEPTOR_TAG, Integer.toString(acceptor)))
				.register(meterRegistry);
		}
		for (AcceptErrorReason reason : AcceptErrorReason.values()) {
			FunctionCounter.builder(ACCEPT_ERRORS, listener, fromStats((stats) -> stats.acceptErrors(reason)))
				.description("Failed accepts")
				.tags(tags.and(REASON_TAG, reason.tag()))
				.register(meterRegistry);
		}
		RejectionCounts.byTag().forEach((reason, count) -> FunctionCounter
			.builder(REJECTIONS, listener, count::applyAsLong)
			.description("Connections closed before or instead of being served")
			.tags(tags.and(REASON_TAG, reason))
			.register(meterRegistry));
		Gauge.builder(ACTIVE_CONNECTIONS, listener, ManagedConnListener::activeConnections)
			.description("Connections open")
			.tags(tags)
			.register(meterRegistry);
		Gauge.builder(ENABLED, listener, (managed) -> managed.isEnabled() ? 1 : 0)
			.description("Whether the listener is enabled (1) or disabled (0)")
			.tags(tags)
			.register(meterRegistry);
		Gauge.builder(ACCEPTING, listener, (managed) -> managed.isAccepting() ? 1 : 0)
			.description("Whether the listener's sockets accept connections now (1), or are disabled, released, "
					+ "or paused at max-connections or after an accept error (0)")
			.tags(tags)
			.register(meterRegistry);
		Timer duration = Timer.builder(CONNECTION_DURATION)
			.description("How long connections stayed open")
			.tags(tags)
			.register(meterRegistry);
		listener.onConnectionClosed((nanos) -> duration.record(nanos, TimeUnit.NANOSECONDS));
		bindTraffic(meterRegistry, listener.traffic(), tags);
		FunctionCounter.builder(SENDS_SKIPPED, listener, (managed) -> managed.connections().skippedSends())
			.description("Sends to a connection dropped because its output was above the write high watermark")
			.tags(tags)
			.register(meterRegistry);
		ListenerTls tls = listener.definition().tls();
		if (tls != null) {
			tls.onHandshake(new TlsHandshakeTimers(meterRegistry, tags, tls));
		}
		bindMessages(meterRegistry, listener);
	}

	private static void bindTraffic(MeterRegistry meterRegistry, TrafficCounts traffic, Tags tags) {
		FunctionCounter.builder(BYTES_RECEIVED, traffic, TrafficCounts::received)
			.description("Bytes the sockets of the listener's connections received; over TLS the records")
			.baseUnit("bytes")
			.tags(tags)
			.register(meterRegistry);
		FunctionCounter.builder(BYTES_SENT, traffic, TrafficCounts::sent)
			.description("Bytes the sockets of the listener's connections sent; over TLS the records")
			.baseUnit("bytes")
			.tags(tags)
			.register(meterRegistry);
		DistributionSummary received = connectionBytes(meterRegistry, tags, "received");
		DistributionSummary sent = connectionBytes(meterRegistry, tags, "sent");
		traffic.onConnectionClosed((receivedBytes, sentBytes) -> {
			received.record(receivedBytes);
			sent.record(sentBytes);
		});
	}

	private static DistributionSummary connectionBytes(MeterRegistry meterRegistry, Tags tags, String direction) {
		return DistributionSummary.builder(CONNECTION_BYTES)
			.description("Bytes one connection's socket moved in a direction, recorded when it closed")
			.baseUnit("bytes")
			.tags(tags.and(DIRECTION_TAG, direction))
			.register(meterRegistry);
	}

	private void bindMessages(MeterRegistry meterRegistry, ManagedConnListener listener) {
		// Known once the listener is bound; the binder and the start event may both see it.
		if (listener.framing() == null || !this.messageMeters.add(new MessageMeters(meterRegistry, listener))) {
			return;
		}
		MessageCounts messages = listener.messages();
		Tags tags = Tags.of(LISTENER_TAG, listener.name());
		FunctionCounter.builder(MESSAGES_RECEIVED, messages, MessageCounts::received)
			.description("Messages handed to the message handler")
			.tags(tags)
			.register(meterRegistry);
		FunctionCounter.builder(MESSAGES_SENT, messages, MessageCounts::sent)
			.description("Messages queued for sending: replies and sends")
			.tags(tags)
			.register(meterRegistry);
		Timer duration = Timer.builder(MESSAGE_DURATION)
			.description("How long the message handler took over each message")
			.tags(tags)
			.register(meterRegistry);
		messages.onHandled((nanos) -> duration.record(nanos, TimeUnit.NANOSECONDS));
	}

	private void bindBacklog(MeterRegistry meterRegistry, ManagedConnListener listener) {
		if (listener.state() != ManagedConnListener.State.RUNNING
				|| !(listener.localAddress() instanceof InetSocketAddress address)
				|| this.listenQueues.queued(address).isEmpty()) {
			return;
		}
		Tags tags = Tags.of(LISTENER_TAG, listener.name());
		Gauge.builder(BACKLOG_QUEUED, listener, this::queued)
			.description("Connections waiting in the kernel's accept queues of the listener's sockets")
			.tags(tags)
			.register(meterRegistry);
		// An adopted socket listens with whatever backlog its own listen() passed.
		if (listener.definition().deployment().source() != ListenerDefinition.Source.BIND) {
			return;
		}
		OptionalLong limit = this.listenQueues.limit(listener.definition().backlog());
		if (limit.isPresent()) {
			long total = limit.getAsLong() * listener.definition().deployment().acceptors();
			Gauge.builder(BACKLOG_LIMIT, () -> total)
				.description("Length limit of the kernel's accept queues of the listener's sockets")
				.tags(tags)
				.register(meterRegistry);
		}
	}

	private double queued(ManagedConnListener listener) {
		SocketAddress address = listener.localAddress();
		return (address instanceof InetSocketAddress inet) ? this.listenQueues.queued(inet).orElse(0) : 0;
	}

	private static ToDoubleFunction<ManagedConnListener> fromStats(ToDoubleFunction<ListenerStats> count) {
		return (listener) -> {
			ListenerStats stats = listener.stats();
			return (stats != null) ? count.applyAsDouble(stats) : 0;
		};
	}

	/**
	 * A listener whose message meters are in a registry.
	 *
	 * @param meterRegistry the registry
	 * @param listener the listener
	 */
	private record MessageMeters(MeterRegistry meterRegistry, ManagedConnListener listener) {
	}

}
