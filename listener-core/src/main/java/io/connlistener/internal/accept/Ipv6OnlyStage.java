package io.connlistener.internal.accept;

import java.net.Inet4Address;
import java.net.InetSocketAddress;

import io.connlistener.RejectionReason;

/**
 * The stage that rejects IPv4 clients of a listener on the IPv6 wildcard with
 * {@link io.connlistener.ListenerOption#BIND_IPV6ONLY}: the JDK cannot set
 * {@code IPV6_V6ONLY}, so the dual-stack socket accepts them and this closes them at once.
 */
public final class Ipv6OnlyStage implements AcceptStage {

	@Override
	public void process(PendingConnection connection) {
		if (connection.peerAddress() instanceof InetSocketAddress inet && inet.getAddress() instanceof Inet4Address) {
			connection.reject(RejectionReason.IPV4_ON_IPV6_ONLY);
			return;
		}
		connection.proceed();
	}

}
