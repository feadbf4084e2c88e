package io.connlistener;

import java.net.SocketAddress;
import java.util.Collections;
import java.util.EnumSet;
import java.util.Set;
import java.util.function.Consumer;

import io.connlistener.admission.AdmissionSettings;
import io.connlistener.proxy.ProxyProtocolSettings;
import io.connlistener.tls.TlsSettings;

/**
 * Everything a {@link ConnListenerBuilder} gathered for one listener.
 *
 * @param callback the accept callback, or {@code null}
 * @param errorCallback the accept error callback, or {@code null}
 * @param options the options, unmodifiable
 * @param settings the settings beyond libevent's
 * @param admission the admission settings
 * @param proxyProtocol the PROXY protocol settings
 * @param counts where connections are counted
 * @param closeObserver told of every close reported with an address, or {@code null}
 * @param tls the TLS settings, or {@code null} for a plain listener
 * @param setupObserver told of every connection as it comes in, or {@code null}
 */
record ListenerSpec(AcceptCallback callback, AcceptErrorCallback errorCallback, Set<ListenerOption> options,
		ListenerSettings settings, AdmissionSettings admission, ProxyProtocolSettings proxyProtocol,
		ConnectionCounts counts, Consumer<SocketAddress> closeObserver, TlsSettings tls,
		ConnectionSetupObserver setupObserver) {

	ListenerSpec {
		options = Collections.unmodifiableSet(
				options.isEmpty() ? EnumSet.noneOf(ListenerOption.class) : EnumSet.copyOf(options));
	}

}
