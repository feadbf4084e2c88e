package io.connlistener.boot.actuate.endpoint;

import java.time.Instant;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.connlistener.AcceptErrorReason;
import io.connlistener.ListenerOption;
import io.connlistener.ListenerStats;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.boot.listener.RejectionCounts;
import io.connlistener.proxy.ProxyProtocolSettings;

import org.springframework.boot.actuate.endpoint.OperationResponseBody;

/**
 * What the {@code connlisteners} endpoint shows of one listener. An
 * {@link OperationResponseBody}, so that Actuator's own JSON mapper writes it, whatever the
 * application's {@code spring.jackson.*} settings.
 *
 * @param name the listener's name
 * @param address the bound address, or the configured one before binding
 * @param state the listener's life-cycle state, {@code FAILED} while it cannot accept
 * although it should
 * @param enabled whether the listener is enabled
 * @param accepting whether it accepts connections right now
 * @param atConnectionLimit whether accepting is paused at {@code max-connections}
 * @param paused whether accepting is paused after an accept error
 * @param options the listener's options, in kebab case
 * @param backlog the configured backlog (negative: the kernel's {@code somaxconn})
 * @param accepted connections accepted
 * @param acceptErrors failed accepts by reason
 * @param rejections connections closed before or instead of being served, by reason
 * @param activeConnections connections open now
 * @param currentBackoffMillis the current pause after accept errors, 0 when not paused
 * @param lastAcceptError the last failed accept, or {@code null}
 * @param proxyProtocol whether connections must start with a PROXY protocol header, from
 * which proxies, within what time; what it rejects is counted in {@code rejections}
 * @param bound whether the listening sockets are open
 * @param refusingTraffic whether the listener does not accept because the application
 * refuses traffic
 * @param acceptors how many sockets accept for the listener
 * @param acceptedPerAcceptor connections accepted by each acceptor, in order
 * @param inService whether the listener is in service: running, meant to accept, and not
 * on its way out during {@code disable-delay}; its health is OUT_OF_SERVICE otherwise
 * @param tls the SSL bundles the listener serves and the limits of its handshakes, or
 * {@code null} for a listener without TLS
 * @param framing how a message handler's frames are cut, or {@code null} for a listener
 * no message handler serves (a framing from the defaults applies to message handlers only)
 */
public record ListenerDescriptor(String name, String address, String state, boolean enabled, boolean accepting,
		boolean atConnectionLimit, boolean paused, List<String> options, int backlog, long accepted,
		Map<String, Long> acceptErrors, Map<String, Long> rejections, long activeConnections,
		long currentBackoffMillis, AcceptErrorDescriptor lastAcceptError, ProxyProtocolDescriptor proxyProtocol,
		boolean bound, boolean refusingTraffic, int acceptors, List<Long> acceptedPerAcceptor, boolean inService,
		TlsDescriptor tls, FramingDescriptor framing) implements OperationResponseBody {

	/**
	 * Describe a listener.
	 * @param listener the listener
	 * @return its descriptor
	 */
	public static ListenerDescriptor of(ManagedConnListener listener) {
		ListenerDefinition definition = listener.definition();
		ListenerStats stats = listener.stats();
		List<String> options = definition.options().stream().map(ListenerOption::kebabName).sorted().toList();
		Map<String, Long> acceptErrors = new LinkedHashMap<>();
		Map<String, Long> rejections = new LinkedHashMap<>();
		for (AcceptErrorReason reason : AcceptErrorReason.values()) {
			acceptErrors.put(reason.tag(), (stats != null) ? stats.acceptErrors(reason) : 0);
		}
		RejectionCounts.byTag().forEach((reason, count) -> rejections.put(reason, count.applyAsLong(listener)));
		ListenerStats.AcceptError lastError = (stats != null) ? stats.lastAcceptError() : null;
		int acceptors = definition.deployment().acceptors();
		List<Long> acceptedPerAcceptor = new ArrayList<>(acceptors);
		for (int i = 0; i < acceptors; i++) {
			acceptedPerAcceptor.add(listener.accepted(i));
		}
		return new ListenerDescriptor(listener.name(), listener.describeAddress(),
				listener.state().name(), listener.isEnabled(), listener.isAccepting(), listener.isAtConnectionLimit(),
				(stats != null) && stats.currentBackoff().toNanos() > 0, options, definition.backlog(),
				(stats != null) ? stats.accepted() : 0, acceptErrors, rejections, listener.activeConnections(),
				(stats != null) ? stats.currentBackoff().toMillis() : 0,
				(lastError != null) ? new AcceptErrorDescriptor(lastError.reason().tag(), lastError.message(),
						lastError.time()) : null,
				ProxyProtocolDescriptor.of(definition.proxyProtocol()), listener.isBound(), listener.isRefusingTraffic(),
				acceptors, acceptedPerAcceptor, listener.isInService(), TlsDescriptor.of(definition.tls()),
				FramingDescriptor.of(listener.framing()));
	}

	/**
	 * The last failed accept.
	 *
	 * @param reason why it failed
	 * @param message the JDK's message
	 * @param time when it happened
	 */
	public record AcceptErrorDescriptor(String reason, String message, Instant time) {
	}

	/**
	 * A listener's PROXY protocol settings.
	 *
	 * @param mode {@code off} or {@code required}
	 * @param trustedProxies the ranges of the proxies allowed to send a header
	 * @param timeoutMillis how long a connection may take to send its header
	 */
	public record ProxyProtocolDescriptor(String mode, List<String> trustedProxies, long timeoutMillis) {

		static ProxyProtocolDescriptor of(ProxyProtocolSettings settings) {
			return new ProxyProtocolDescriptor(settings.mode().name().toLowerCase(Locale.ROOT),
					settings.trustedProxies().stream().map(Object::toString).toList(), settings.timeout().toMillis());
		}

	}

}
