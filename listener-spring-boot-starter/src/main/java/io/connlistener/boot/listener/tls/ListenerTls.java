package io.connlistener.boot.listener.tls;

import java.time.Duration;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.atomic.LongAdder;

import io.connlistener.tls.ClientAuth;
import io.connlistener.tls.TlsHandshake;
import io.connlistener.tls.TlsHandshakeObserver;
import io.connlistener.tls.TlsHandshakeOutcome;
import io.connlistener.tls.TlsSettings;

import org.springframework.util.Assert;

/**
 * The TLS a managed listener serves: the {@link TlsSettings} its core listeners run the
 * handshake with, whose contexts come from Spring Boot SSL bundles
 * ({@link SslBundleContexts}), the count of handshakes completed, and who is told of each
 * handshake that ends, such as the handshake timer. Handshakes that fail are counted by
 * the core listeners, as rejections.
 * <p>
 * Safe to use from any thread; observers are called on the loop threads.
 */
public final class ListenerTls {

	private final SslBundleContexts contexts;

	private final boolean bundleFromDefaults;

	private final TlsSettings settings;

	private final List<TlsHandshakeObserver> observers = new CopyOnWriteArrayList<>();

	private final LongAdder handshakes = new LongAdder();

	/**
	 * Create the TLS of a listener.
	 * @param contexts the contexts of its bundles
	 * @param bundleFromDefaults whether the listener takes its bundle from the defaults
	 * @param clientAuth whether clients are asked for a certificate
	 * @param handshakeTimeout how long a connection may take to complete its handshake
	 * @param clientHelloMaxSize the most bytes of ClientHello accepted
	 * @param applicationProtocols the protocols offered with ALPN; empty for none
	 */
	public ListenerTls(SslBundleContexts contexts, boolean bundleFromDefaults, ClientAuth clientAuth,
			Duration handshakeTimeout, int clientHelloMaxSize, List<String> applicationProtocols) {
		Assert.notNull(contexts, "'contexts' must not be null");
		this.contexts = contexts;
		this.bundleFromDefaults = bundleFromDefaults;
		this.settings = TlsSettings.builder(contexts)
			.clientAuth(clientAuth)
			.handshakeTimeout(handshakeTimeout)
			.clientHelloMaxSize(clientHelloMaxSize)
			.applicationProtocols(applicationProtocols)
			.observer(this::handshakeEnded)
			.build();
	}

	/**
	 * Return the settings the core listeners run the handshake with.
	 * @return the settings
	 */
	public TlsSettings settings() {
		return this.settings;
	}

	/**
	 * Return the listener's own bundle, served when no SNI host name matches.
	 * @return the bundle's name
	 */
	public String bundleName() {
		return this.contexts.bundleName();
	}

	/**
	 * Return whether the listener takes its bundle from {@code conn-listener.defaults}.
	 * @return {@code true} if it sets none of its own
	 */
	public boolean isBundleFromDefaults() {
		return this.bundleFromDefaults;
	}

	/**
	 * Return the bundles served for SNI host names.
	 * @return the mappings, in configuration order
	 */
	public List<ServerNameBundle> serverNameBundles() {
		return this.contexts.serverNameBundles();
	}

	/**
	 * Return whether clients are asked for a certificate.
	 * @return the client authentication
	 */
	public ClientAuth clientAuth() {
		return this.settings.clientAuth();
	}

	/**
	 * Return the bundles as they are served now, reloads included.
	 * @return the bundles by name, the listener's own first
	 */
	public Map<String, BundleContext> bundles() {
		return this.contexts.bundles();
	}

	/**
	 * Return how many handshakes completed since the listener was made.
	 * @return the count of handshakes that succeeded
	 */
	public long handshakes() {
		return this.handshakes.sum();
	}

	/**
	 * Be told of every handshake the listener ends, on the loop thread that ran it, so
	 * quickly and without blocking.
	 * @param observer the observer
	 */
	public void onHandshake(TlsHandshakeObserver observer) {
		Assert.notNull(observer, "'observer' must not be null");
		this.observers.add(observer);
	}

	private void handshakeEnded(TlsHandshake handshake) {
		if (handshake.outcome() == TlsHandshakeOutcome.SUCCESS) {
			this.handshakes.increment();
		}
		for (TlsHandshakeObserver observer : this.observers) {
			observer.handshakeEnded(handshake);
		}
	}

	@Override
	public String toString() {
		return "ListenerTls[bundle=" + bundleName() + ", serverNameBundles=" + serverNameBundles() + ", "
				+ this.settings + "]";
	}

}
