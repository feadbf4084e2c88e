package io.connlistener.boot.listener.tls;

import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.Key;
import java.security.KeyStore;
import java.security.KeyStoreException;
import java.security.PrivateKey;
import java.security.Signature;
import java.security.cert.X509Certificate;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Map;
import javax.net.ssl.SSLContext;

import io.connlistener.boot.listener.tls.UnusableBundleException.Reason;
import io.connlistener.tls.ClientAuth;
import io.connlistener.tls.TlsServerContext;

import org.springframework.boot.ssl.SslBundle;
import org.springframework.boot.ssl.SslOptions;
import org.springframework.util.Assert;

/**
 * One SSL bundle as a listener serves it: the core context made from the bundle's
 * {@link SslBundle#createSslContext() SSL context} and {@link SslOptions options}, and the
 * certificate it serves. Immutable: a reload makes a new one.
 *
 * @param bundleName the bundle's name, under {@code spring.ssl.bundle}
 * @param context what a handshake with this bundle uses
 * @param certificate the certificate the bundle serves
 */
public record BundleContext(String bundleName, TlsServerContext context, BundleCertificate certificate) {

	private static final Map<String, String> SIGNATURE_ALGORITHMS = Map.of("RSA", "SHA256withRSA", "EC",
			"SHA256withECDSA", "Ed25519", "Ed25519", "Ed448", "Ed448", "EdDSA", "EdDSA");

	private static final byte[] PROBE = "connlistener".getBytes(StandardCharsets.US_ASCII);

	/**
	 * Check the context.
	 */
	public BundleContext {
		Assert.hasText(bundleName, "'bundleName' must not be empty");
		Assert.notNull(context, "'context' must not be null");
		Assert.notNull(certificate, "'certificate' must not be null");
	}

	/**
	 * Make the context of a bundle, checking that it can serve a listener: it has a private
	 * key that matches its certificate, and a trust store when clients are asked for
	 * certificates. The
	 * stores of Boot's bundles are read here, on first use, so a file that is missing or
	 * does not parse fails here too.
	 * @param bundleName the bundle's name
	 * @param bundle the bundle
	 * @param clientAuth whether clients are asked for a certificate
	 * @return the context
	 * @throws UnusableBundleException if the bundle cannot serve a listener
	 */
	public static BundleContext load(String bundleName, SslBundle bundle, ClientAuth clientAuth)
			throws UnusableBundleException {
		String alias = bundle.getKey().getAlias();
		try {
			KeyStore keyStore = bundle.getStores().getKeyStore();
			if (keyStore == null) {
				throw new UnusableBundleException(bundleName, Reason.NO_KEY_STORE, alias, null);
			}
			X509Certificate certificate = certificate(keyStore, alias);
			if (certificate == null) {
				throw new UnusableBundleException(bundleName, Reason.NO_PRIVATE_KEY, alias, null);
			}
			if (!matches(keyStore, alias, certificate, bundle)) {
				throw new UnusableBundleException(bundleName, Reason.KEY_DOES_NOT_MATCH, alias, null);
			}
			if (clientAuth != ClientAuth.NONE && bundle.getStores().getTrustStore() == null) {
				throw new UnusableBundleException(bundleName, Reason.NO_TRUST_STORE, alias, null);
			}
			SSLContext context = bundle.createSslContext();
			SslOptions options = bundle.getOptions();
			return new BundleContext(bundleName,
					new TlsServerContext(context, list(options.getEnabledProtocols()), list(options.getCiphers())),
					BundleCertificate.of(certificate));
		}
		catch (KeyStoreException | RuntimeException ex) {
			throw new UnusableBundleException(bundleName, Reason.UNREADABLE, alias, ex);
		}
	}

	/**
	 * Return the certificate of the key entry that the JDK's key manager serves: the one
	 * under the alias if the bundle names one, else the first key entry.
	 */
	private static X509Certificate certificate(KeyStore keyStore, String alias) throws KeyStoreException {
		List<String> aliases = (alias != null) ? List.of(alias) : Collections.list(keyStore.aliases());
		for (String candidate : aliases) {
			if (keyStore.isKeyEntry(candidate)
					&& keyStore.getCertificate(candidate) instanceof X509Certificate certificate) {
				return certificate;
			}
		}
		return null;
	}

	/**
	 * Return whether the private key stored with the certificate signs what the certificate's
	 * public key verifies: a certificate and key rewritten one after the other may be read
	 * half-way. A key of a type not checked here, or that the bundle's passwords do not
	 * unlock (making the context fails then), counts as matching.
	 */
	private static boolean matches(KeyStore keyStore, String alias, X509Certificate certificate, SslBundle bundle) {
		try {
			String entry = (alias != null) ? alias : entryOf(keyStore, certificate);
			String password = (bundle.getKey().getPassword() != null) ? bundle.getKey().getPassword()
					: bundle.getStores().getKeyStorePassword();
			Key key = keyStore.getKey(entry, (password != null) ? password.toCharArray() : null);
			String algorithm = (key instanceof PrivateKey) ? SIGNATURE_ALGORITHMS.get(key.getAlgorithm()) : null;
			if (algorithm == null) {
				return true;
			}
			Signature signer = Signature.getInstance(algorithm);
			signer.initSign((PrivateKey) key);
			signer.update(PROBE);
			byte[] signature = signer.sign();
			Signature verifier = Signature.getInstance(algorithm);
			verifier.initVerify(certificate.getPublicKey());
			verifier.update(PROBE);
			return verifier.verify(signature);
		}
		catch (GeneralSecurityException ex) {
			return true;
		}
	}

	private static String entryOf(KeyStore keyStore, X509Certificate certificate) throws KeyStoreException {
		return keyStore.getCertificateAlias(certificate);
	}

	private static List<String> list(String[] values) {
		return (values != null) ? Arrays.asList(values) : List.of();
	}

}
