package io.connlistener.boot.listener.tls;

import java.util.Collections;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.LinkedHashSet;
import java.util.List;
import java.util.Map;
import java.util.Set;

import io.connlistener.tls.ClientAuth;
import io.connlistener.tls.TlsContexts;
import io.connlistener.tls.TlsServerContext;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.Assert;

/**
 * The {@link TlsContexts} of a TLS listener, made from Spring Boot SSL bundles: a handshake
 * takes the context of the bundle its SNI host name maps to (an exact name first, then a
 * wildcard of one label), else that of the listener's own bundle. Every context is held in
 * one volatile snapshot, so that a reloaded bundle ({@link #watch(SslBundles)}) serves new
 * handshakes while established connections keep the context they started with. A reloaded
 * bundle that cannot serve the listener leaves the previous context in place, and says why
 * in one warning.
 * <p>
 * {@link #select} runs on loop threads, never blocks and takes no lock; reloads run on the
 * thread that updates the bundle (Boot's file watcher), one at a time.
 */
public final class SslBundleContexts implements TlsContexts {

	private static final Log logger = LogFactory.getLog(SslBundleContexts.class);

	private final String listenerName;

	private final String bundleName;

	private final List<ServerNameBundle> serverNameBundles;

	private final ClientAuth clientAuth;

	private final Object monitor = new Object();

	private volatile Snapshot snapshot;

	/**
	 * Create the contexts of a listener from bundles already loaded and checked.
	 * @param listenerName the listener's name, for logs
	 * @param bundleName the listener's own bundle, served when no SNI host name matches
	 * @param serverNameBundles the bundles served for SNI host names, in configuration order
	 * @param clientAuth whether clients are asked for certificates, checked on a reload
	 * @param bundles every bundle named, by name
	 */
	public SslBundleContexts(String listenerName, String bundleName, List<ServerNameBundle> serverNameBundles,
			ClientAuth clientAuth, Map<String, BundleContext> bundles) {
		Assert.hasText(listenerName, "'listenerName' must not be empty");
		Assert.hasText(bundleName, "'bundleName' must not be empty");
		Assert.notNull(serverNameBundles, "'serverNameBundles' must not be null");
		Assert.notNull(clientAuth, "'clientAuth' must not be null");
		Assert.notNull(bundles, "'bundles' must not be null");
		this.listenerName = listenerName;
		this.bundleName = bundleName;
		this.serverNameBundles = List.copyOf(serverNameBundles);
		this.clientAuth = clientAuth;
		for (String name : bundleNames()) {
			Assert.isTrue(bundles.containsKey(name), () -> "Bundle '" + name + "' is not loaded");
		}
		this.snapshot = snapshot(bundles);
	}

	@Override
	public TlsServerContext select(String serverName) {
		Snapshot snapshot = this.snapshot;
		if (serverName != null && !snapshot.byName().isEmpty()) {
			// In lower case already, as TlsContexts.select is given it.
			TlsServerContext exact = snapshot.byName().get(serverName);
			if (exact != null) {
				return exact;
			}
			int dot = serverName.indexOf('.');
			TlsServerContext wildcard = (dot > 0) ? snapshot.byWildcard().get(serverName.substring(dot + 1)) : null;
			if (wildcard != null) {
				return wildcard;
			}
		}
		return snapshot.fallback();
	}

	/**
	 * Return the listener's own bundle.
	 * @return the bundle's name
	 */
	public String bundleName() {
		return this.bundleName;
	}

	/**
	 * Return the bundles served for SNI host names.
	 * @return the mappings, in configuration order
	 */
	public List<ServerNameBundle> serverNameBundles() {
		return this.serverNameBundles;
	}

	/**
	 * Return every bundle the listener serves as it serves it now, reloads included.
	 * @return the bundles by name, the listener's own first, unmodifiable
	 */
	public Map<String, BundleContext> bundles() {
		return this.snapshot.bundles();
	}

	/**
	 * Reload each bundle the listener serves when Boot updates it, as it does for a bundle
	 * with {@code reload-on-update: true} when its files change.
	 * @param sslBundles the application's bundles
	 */
	public void watch(SslBundles sslBundles) {
		Assert.notNull(sslBundles, "'sslBundles' must not be null");
		for (String name : bundleNames()) {
			sslBundles.addBundleUpdateHandler(name, (bundle) -> reload(name, bundle));
		}
	}

	/**
	 * Serve new handshakes with a reloaded bundle, or keep the previous context if the new
	 * one cannot be used. Never throws: Boot calls the handlers of a bundle one after the
	 * other, and one that threw would keep the rest from the new bundle.
	 * @param name the bundle's name
	 * @param bundle the bundle as reloaded
	 */
	void reload(String name, SslBundle bundle) {
		BundleContext loaded;
		try {
			loaded = BundleContext.load(name, bundle, this.clientAuth);
		}
		catch (UnusableBundleException | RuntimeException ex) {
			BundleContext kept = this.snapshot.bundles().get(name);
			logger.warn("Listener '" + this.listenerName + "' keeps serving SSL bundle '" + name
					+ "' as it was before it was reloaded (certificate serial " + kept.certificate().serialNumber()
					+ "): " + ((ex instanceof UnusableBundleException) ? ex.getMessage()
							: "reading it failed: " + UnusableBundleException.rootMessage(ex)));
			return;
		}
		synchronized (this.monitor) {
			Map<String, BundleContext> bundles = new LinkedHashMap<>(this.snapshot.bundles());
			bundles.put(name, loaded);
			this.snapshot = snapshot(bundles);
		}
		if (logger.isInfoEnabled()) {
			logger.info("Listener '" + this.listenerName + "' serves new TLS handshakes with SSL bundle '" + name
					+ "' as reloaded: certificate " + loaded.certificate().subject() + ", serial "
					+ loaded.certificate().serialNumber() + ", valid until " + loaded.certificate().notAfter());
		}
	}

	/**
	 * Return the names of the bundles the listener serves, its own first.
	 */
	private Set<String> bundleNames() {
		Set<String> names = new LinkedHashSet<>();
		names.add(this.bundleName);
		this.serverNameBundles.forEach((mapping) -> names.add(mapping.bundle()));
		return names;
	}

	private Snapshot snapshot(Map<String, BundleContext> loaded) {
		Map<String, BundleContext> bundles = new LinkedHashMap<>();
		for (String name : bundleNames()) {
			bundles.put(name, loaded.get(name));
		}
		Map<String, TlsServerContext> byName = new HashMap<>();
		Map<String, TlsServerContext> byWildcard = new HashMap<>();
		for (ServerNameBundle mapping : this.serverNameBundles) {
			TlsServerContext context = bundles.get(mapping.bundle()).context();
			(mapping.isWildcard() ? byWildcard : byName).putIfAbsent(mapping.domain(), context);
		}
		return new Snapshot(Collections.unmodifiableMap(bundles), bundles.get(this.bundleName).context(), byName,
				byWildcard);
	}

	/**
	 * Every context of the listener at one time.
	 */
	private record Snapshot(Map<String, BundleContext> bundles, TlsServerContext fallback,
			Map<String, TlsServerContext> byName, Map<String, TlsServerContext> byWildcard) {
	}

}
