package io.connlistener.boot.autoconfigure;

import java.net.IDN;
import java.time.Duration;
import java.util.ArrayList;
import java.util.HashMap;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.regex.Pattern;

import io.connlistener.boot.autoconfigure.ConnListenerProperties.Defaults;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Listener;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.ServerNameBundle;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Tls;
import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerProblem;
import io.connlistener.boot.listener.tls.BundleContext;
import io.connlistener.boot.listener.tls.ListenerTls;
import io.connlistener.boot.listener.tls.SslBundleContexts;
import io.connlistener.boot.listener.tls.UnusableBundleException;
import io.connlistener.tls.ClientAuth;
import io.connlistener.tls.TlsSettings;

import org.springframework.boot.ssl.NoSuchSslBundleException;
import org.springframework.boot.ssl.SslBundles;
import org.springframework.util.unit.DataSize;

/**
 * Reads the TLS values of one listener, its own or the defaults', and makes its
 * {@link ListenerTls} from the application's SSL bundles: each bundle named must exist, hold
 * a private key and its certificate, and a trust store when clients are asked for
 * certificates. A value that cannot work is a {@link ListenerConfigurationException} with
 * the key that holds it, the listener's own or the default's.
 */
final class TlsValues {

	private static final String BUNDLE = "tls.bundle";

	private static final String SERVER_NAME_BUNDLES = "tls.server-name-bundles";

	private static final int MAX_APPLICATION_PROTOCOL_LENGTH = 255;

	private static final Pattern IPV4 = Pattern.compile("[0-9.]+");

	private final Listener listener;

	private final Defaults defaults;

	private final ListenerValues.Checked checked;

	private final SslBundles sslBundles;

	TlsValues(Listener listener, Defaults defaults, ListenerValues.Checked checked, SslBundles sslBundles) {
		this.listener = listener;
		this.defaults = defaults;
		this.checked = checked;
		this.sslBundles = sslBundles;
	}

	/**
	 * Return the TLS the listener serves, its bundles loaded and watched for reloads.
	 * @param name the listener's name
	 * @return the TLS, or {@code null} when neither the listener nor the defaults name a
	 * bundle
	 */
	ListenerTls tls(String name) {
		Tls own = this.listener.getTls();
		Tls fallback = this.defaults.getTls();
		String bundle = (own.getBundle() != null) ? own.getBundle() : fallback.getBundle();
		if (bundle == null) {
			checkNoSettingWithoutBundle(own);
			return null;
		}
		boolean bundleFromDefaults = own.getBundle() == null;
		Duration timeout = this.checked.positive("tls.handshake-timeout", own.getHandshakeTimeout(),
				fallback.getHandshakeTimeout(), TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT);
		int clientHelloMaxSize = clientHelloMaxSize(own, fallback);
		ClientAuth clientAuth = (own.getClientAuth() != null) ? own.getClientAuth()
				: (fallback.getClientAuth() != null) ? fallback.getClientAuth() : ClientAuth.NONE;
		List<String> protocols = applicationProtocols(own, fallback);
		List<io.connlistener.boot.listener.tls.ServerNameBundle> serverNameBundles = serverNameBundles(own, fallback);
		// Each bundle with the key that names it, the listener's own first: a failure names that key.
		Map<String, BundleKey> named = new LinkedHashMap<>();
		named.put(bundle, new BundleKey(BUNDLE, bundleFromDefaults));
		boolean mappingsFromDefaults = own.getServerNameBundles() == null;
		for (int i = 0; i < serverNameBundles.size(); i++) {
			named.putIfAbsent(serverNameBundles.get(i).bundle(),
					new BundleKey(SERVER_NAME_BUNDLES + "[" + i + "].bundle", mappingsFromDefaults));
		}
		// Every name is checked before any bundle is read: a misspelt name is the likelier mistake.
		List<String> known = (this.sslBundles != null) ? this.sslBundles.getBundleNames() : List.of();
		named.forEach((bundleName, key) -> {
			if (bundleName.isBlank() || !known.contains(bundleName)) {
				throw unusable(ListenerProblem.TLS_UNKNOWN_BUNDLE, key, bundleName, null, known);
			}
		});
		Map<String, BundleContext> loaded = new LinkedHashMap<>();
		named.forEach((bundleName, key) -> loaded.put(bundleName, load(bundleName, key, own, clientAuth, known)));
		SslBundleContexts contexts = new SslBundleContexts(name, bundle, serverNameBundles, clientAuth, loaded);
		contexts.watch(this.sslBundles);
		return new ListenerTls(contexts, bundleFromDefaults, clientAuth, timeout, clientHelloMaxSize, protocols);
	}

	/**
	 * Refuse a TLS value that a listener without a bundle sets itself: it would serve plain
	 * connections all the same. The defaults' values are left alone, as they are there for
	 * the TLS listeners.
	 */
	private void checkNoSettingWithoutBundle(Tls own) {
		Map<String, Object> set = new LinkedHashMap<>();
		set.put(SERVER_NAME_BUNDLES, own.getServerNameBundles());
		set.put("tls.client-auth", own.getClientAuth());
		set.put("tls.handshake-timeout", own.getHandshakeTimeout());
		set.put("tls.client-hello-max-size", own.getClientHelloMaxSize());
		set.put("tls.application-protocols", own.getApplicationProtocols());
		set.forEach((key, value) -> {
			// An empty list asks for nothing, as the defaults' do.
			if (value != null && !(value instanceof List<?> list && list.isEmpty())) {
				Object shown = key.equals(SERVER_NAME_BUNDLES) ? describe(own.getServerNameBundles())
						: (value instanceof ClientAuth auth) ? auth.name().toLowerCase(Locale.ROOT) : value;
				throw this.checked.invalid(ListenerProblem.TLS_SETTING_WITHOUT_BUNDLE, key, value, shown);
			}
		});
	}

	private int clientHelloMaxSize(Tls own, Tls fallback) {
		DataSize value = (own.getClientHelloMaxSize() != null) ? own.getClientHelloMaxSize()
				: fallback.getClientHelloMaxSize();
		long bytes = (value != null) ? value.toBytes() : TlsSettings.DEFAULT_CLIENT_HELLO_MAX_SIZE;
		if (bytes < TlsSettings.MIN_CLIENT_HELLO_MAX_SIZE || bytes > TlsSettings.MAX_CLIENT_HELLO_MAX_SIZE) {
			throw this.checked.invalid(ListenerProblem.TLS_CLIENT_HELLO_MAX_SIZE_OUT_OF_RANGE,
					"tls.client-hello-max-size", own.getClientHelloMaxSize(), DataSize.ofBytes(bytes),
					DataSize.ofBytes(TlsSettings.MIN_CLIENT_HELLO_MAX_SIZE),
					DataSize.ofBytes(TlsSettings.MAX_CLIENT_HELLO_MAX_SIZE));
		}
		return (int) bytes;
	}

	private List<String> applicationProtocols(Tls own, Tls fallback) {
		List<String> configured = (own.getApplicationProtocols() != null) ? own.getApplicationProtocols()
				: fallback.getApplicationProtocols();
		List<String> protocols = new ArrayList<>();
		for (int i = 0; configured != null && i < configured.size(); i++) {
			String protocol = configured.get(i);
			if (protocol == null || protocol.isBlank() || protocol.length() > MAX_APPLICATION_PROTOCOL_LENGTH) {
				throw this.checked.invalid(ListenerProblem.TLS_INVALID_APPLICATION_PROTOCOL,
						"tls.application-protocols[" + i + "]", own.getApplicationProtocols(), protocol);
			}
			protocols.add(protocol.strip());
		}
		return protocols;
	}

	private List<io.connlistener.boot.listener.tls.ServerNameBundle> serverNameBundles(Tls own, Tls fallback) {
		List<ServerNameBundle> configured = (own.getServerNameBundles() != null) ? own.getServerNameBundles()
				: fallback.getServerNameBundles();
		List<io.connlistener.boot.listener.tls.ServerNameBundle> mappings = new ArrayList<>();
		Map<String, Integer> seen = new HashMap<>();
		for (int i = 0; configured != null && i < configured.size(); i++) {
			ServerNameBundle entry = configured.get(i);
			String key = SERVER_NAME_BUNDLES + "[" + i + "]";
			String serverName = hostName(key + ".server-name", own, entry.getServerName());
			Integer first = seen.putIfAbsent(serverName, i);
			if (first != null) {
				throw this.checked.invalid(ListenerProblem.TLS_SERVER_NAME_TWICE, key + ".server-name",
						own.getServerNameBundles(), entry.getServerName(), first);
			}
			String bundle = entry.getBundle();
			if (bundle == null || bundle.isBlank()) {
				throw this.checked.invalid(ListenerProblem.TLS_SERVER_NAME_WITHOUT_BUNDLE, key + ".bundle",
						own.getServerNameBundles(), bundle, entry.getServerName());
			}
			mappings.add(new io.connlistener.boot.listener.tls.ServerNameBundle(serverName, bundle));
		}
		return mappings;
	}

	/**
	 * Return a server name as SNI compares it: in lower case and, for an internationalized
	 * name, in its ASCII form, as clients send it.
	 */
	private String hostName(String key, Tls own, String serverName) {
		String trimmed = (serverName != null) ? serverName.strip() : "";
		boolean wildcard = trimmed.startsWith("*.");
		String name = wildcard ? trimmed.substring(2) : trimmed;
		try {
			String ascii = IDN.toASCII(name, IDN.USE_STD3_ASCII_RULES).toLowerCase(Locale.ROOT);
			if (!ascii.isEmpty() && !ascii.endsWith(".") && !IPV4.matcher(ascii).matches() && !ascii.contains(":")) {
				return (wildcard ? "*." : "") + ascii;
			}
		}
		catch (IllegalArgumentException ex) {
			// Not a host name: refused below.
		}
		throw this.checked.invalid(ListenerProblem.TLS_SERVER_NAME_NOT_A_HOST_NAME, key, own.getServerNameBundles(),
				serverName);
	}

	private BundleContext load(String bundleName, BundleKey key, Tls own, ClientAuth clientAuth, List<String> known) {
		try {
			return BundleContext.load(bundleName, this.sslBundles.getBundle(bundleName), clientAuth);
		}
		catch (NoSuchSslBundleException ex) {
			throw unusable(ListenerProblem.TLS_UNKNOWN_BUNDLE, key, bundleName, null, known);
		}
		catch (UnusableBundleException ex) {
			throw switch (ex.getReason()) {
				case NO_KEY_STORE, NO_PRIVATE_KEY, KEY_DOES_NOT_MATCH -> unusable(ListenerProblem.TLS_BUNDLE_WITHOUT_KEY,
						key, bundleName, null, ex.getReason(), ex.getAlias());
				case NO_TRUST_STORE -> this.checked.invalid(ListenerProblem.TLS_CLIENT_AUTH_WITHOUT_TRUST_STORE,
						"tls.client-auth", own.getClientAuth(), clientAuth, bundleName, key.key(), key.fromDefaults());
				case UNREADABLE -> unusable(ListenerProblem.TLS_BUNDLE_UNREADABLE, key, bundleName, ex.getCause());
			};
		}
	}

	private ListenerConfigurationException unusable(ListenerProblem problem, BundleKey key, String bundleName,
			Throwable cause, Object... details) {
		return this.checked.invalidBecause(problem, key.key(), key.fromDefaults() ? null : bundleName, bundleName, cause,
				details);
	}

	private static String describe(List<ServerNameBundle> mappings) {
		List<String> described = new ArrayList<>();
		for (ServerNameBundle mapping : mappings) {
			described.add(mapping.getServerName() + " -> " + mapping.getBundle());
		}
		return described.toString();
	}

	/**
	 * The key that names a bundle, relative to the listener or the defaults.
	 */
	private record BundleKey(String key, boolean fromDefaults) {
	}

}
