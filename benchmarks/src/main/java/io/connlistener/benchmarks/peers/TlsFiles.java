package io.connlistener.benchmarks.peers;

import java.io.IOException;
import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;

import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SSLContext;

/**
 * Where the TLS peers find the run's test certificate: one folder the harness fills at
 * startup and names as a peer's last argument, with the same key and certificate as a
 * PKCS#12 key store (for the JDK's {@link KeyManagerFactory}) and as PEM files (for Netty
 * and Spring Boot's PEM SSL bundles).
 */
public final class TlsFiles {

	/** The PKCS#12 key store with the key and certificate under {@link #ALIAS}. */
	public static final String KEY_STORE = "server.p12";

	/** The certificate, PEM. */
	public static final String CERTIFICATE = "server-cert.pem";

	/** The private key, unencrypted PKCS#8 PEM. */
	public static final String PRIVATE_KEY = "server-key.pem";

	/** Alias of the key in the key store. */
	public static final String ALIAS = "server";

	/** Password of the key store and its key: test material, made for one run, no secret. */
	public static final String PASSWORD = "benchmark";

	/** Host name in the certificate, and the name the load generator sends as SNI. */
	public static final String HOST_NAME = "localhost";

	private TlsFiles() {
	}

	/**
	 * Load the key store of a folder.
	 * @param folder the folder
	 * @return the key store
	 * @throws IOException if it cannot be read
	 * @throws GeneralSecurityException if it cannot be loaded
	 */
	public static KeyStore keyStore(Path folder) throws IOException, GeneralSecurityException {
		KeyStore store = KeyStore.getInstance("PKCS12");
		try (InputStream in = Files.newInputStream(folder.resolve(KEY_STORE))) {
			store.load(in, PASSWORD.toCharArray());
		}
		return store;
	}

	/**
	 * Create a server {@link SSLContext} of the JDK's default provider from the key store of
	 * a folder, as an application that is given a PKCS#12 file does.
	 * @param folder the folder
	 * @return the context
	 * @throws IOException if the key store cannot be read
	 * @throws GeneralSecurityException if it cannot be loaded
	 */
	public static SSLContext serverContext(Path folder) throws IOException, GeneralSecurityException {
		KeyManagerFactory keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
		keyManagers.init(keyStore(folder), PASSWORD.toCharArray());
		SSLContext context = SSLContext.getInstance("TLS");
		context.init(keyManagers.getKeyManagers(), null, null);
		return context;
	}

}
