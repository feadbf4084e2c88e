package io.connlistener.boot.actuate.endpoint;

import java.time.Instant;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Locale;
import java.util.Map;

import io.connlistener.boot.listener.tls.BundleCertificate;
import io.connlistener.boot.listener.tls.BundleContext;
import io.connlistener.boot.listener.tls.ListenerTls;
import io.connlistener.boot.listener.tls.ServerNameBundle;
import io.connlistener.tls.TlsSettings;

/**
 * What the {@code connlisteners} endpoint shows of a TLS listener: its SSL bundles, as they
 * are served now (a reload shows at once), and the limits of its handshakes. What the
 * handshakes reject is counted in the listener's {@code rejections}.
 *
 * @param bundle the listener's own bundle, served when no SNI host name matches
 * @param serverNameBundles the bundle served for each SNI host name, in configuration order
 * @param clientAuth whether clients are asked for a certificate: {@code none},
 * {@code want} or {@code need}
 * @param applicationProtocols the protocols offered with ALPN; empty for none
 * @param handshakeTimeoutMillis how long a connection may take to complete its handshake
 * @param clientHelloMaxSize the most bytes of ClientHello accepted
 * @param bundles every bundle served, by name: its protocols and its certificate
 */
public record TlsDescriptor(String bundle, Map<String, String> serverNameBundles, String clientAuth,
		List<String> applicationProtocols, long handshakeTimeoutMillis, int clientHelloMaxSize,
		Map<String, BundleDescriptor> bundles) {

	/**
	 * Describe the TLS of a listener.
	 * @param tls the listener's TLS, or {@code null}
	 * @return its descriptor, or {@code null} for a listener without TLS
	 */
	public static TlsDescriptor of(ListenerTls tls) {
		if (tls == null) {
			return null;
		}
		Map<String, String> serverNameBundles = new LinkedHashMap<>();
		for (ServerNameBundle mapping : tls.serverNameBundles()) {
			serverNameBundles.put(mapping.serverName(), mapping.bundle());
		}
		Map<String, BundleDescriptor> bundles = new LinkedHashMap<>();
		tls.bundles().forEach((name, bundle) -> bundles.put(name, BundleDescriptor.of(bundle)));
		TlsSettings settings = tls.settings();
		return new TlsDescriptor(tls.bundleName(), serverNameBundles,
				settings.clientAuth().name().toLowerCase(Locale.ROOT), settings.applicationProtocols(),
				settings.handshakeTimeout().toMillis(), settings.clientHelloMaxSize(), bundles);
	}

	/**
	 * One SSL bundle a TLS listener serves.
	 *
	 * @param protocols the TLS protocols its handshakes enable, such as {@code TLSv1.3}
	 * @param subject the subject of its certificate
	 * @param serialNumber the certificate's serial number, in hex as {@code openssl x509
	 * -serial} prints it
	 * @param notAfter when the certificate expires
	 */
	public record BundleDescriptor(List<String> protocols, String subject, String serialNumber, Instant notAfter) {

		static BundleDescriptor of(BundleContext bundle) {
			BundleCertificate certificate = bundle.certificate();
			return new BundleDescriptor(bundle.context().effectiveProtocols(), certificate.subject(),
					certificate.serialNumber(), certificate.notAfter());
		}

	}

}
