package io.connlistener.testsupport;

import java.io.IOException;
import java.io.InputStream;
import java.io.UncheckedIOException;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.ArrayList;
import java.util.Base64;
import java.util.Comparator;
import java.util.List;
import java.util.concurrent.TimeUnit;
import java.util.stream.Stream;
import javax.net.ssl.KeyManagerFactory;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManagerFactory;

import org.junit.jupiter.api.Assumptions;

/**
 * A test CA and certificates, made by the {@code openssl} command line tool with exactly the
 * commands {@code docs/TLS.md} prints under "Make a test CA and certificates" (read from that
 * file, packaged with this module), and the JDK objects tests need from them, loaded from
 * the PEM files with the JDK alone. Names are the files' without extension: {@code ca},
 * {@code server}, {@code server2}, {@code client}, {@code untrusted-client}.
 * <p>
 * Where {@code openssl} is missing, making certificates aborts the test, which JUnit reports
 * as skipped with the reason ({@code .ci/run} installs it). Thread-safe.
 */
public final class TestCertificates {

	private static final String DOC = "TLS.md";

	private static final String MARKER = "<!-- test-certificates";

	private static final char[] PASSWORD = "test".toCharArray();

	private static TestCertificates shared;

	private final Path directory;

	private TestCertificates(Path directory) {
		this.directory = directory;
	}

	/**
	 * Return certificates made once per JVM, in a temporary directory deleted when it exits;
	 * tests must not change them (make their own with {@link #create(Path)} to rewrite them).
	 * @return the certificates
	 */
	public static synchronized TestCertificates shared() {
		if (shared == null) {
			try {
				Path directory = Files.createTempDirectory("connlistener-certificates");
				Runtime.getRuntime().addShutdownHook(new Thread(() -> deleteQuietly(directory)));
				shared = create(directory);
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		}
		return shared;
	}

	/**
	 * Make the certificates in a directory, running the commands of {@code docs/TLS.md}.
	 * @param directory an existing directory
	 * @return the certificates
	 */
	public static TestCertificates create(Path directory) {
		Assumptions.assumeTrue(opensslAvailable(),
				"The openssl command line tool is needed to make test certificates and is not on the PATH;"
						+ " install it (.ci/run installs it from Debian)");
		String commands = commands();
		try {
			Process process = new ProcessBuilder("sh", "-e", "-c", commands).directory(directory.toFile())
				.redirectErrorStream(true)
				.start();
			process.getOutputStream().close();
			String output = new String(process.getInputStream().readAllBytes(), StandardCharsets.UTF_8);
			if (!process.waitFor(60, TimeUnit.SECONDS)) {
				process.destroyForcibly();
				throw new IllegalStateException("openssl did not make the certificates within 60 s");
			}
			if (process.exitValue() != 0) {
				throw new IllegalStateException("The commands of docs/TLS.md failed with exit code "
						+ process.exitValue() + ":\n" + output);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException("Could not run the commands of docs/TLS.md", ex);
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			throw new IllegalStateException(ex);
		}
		return new TestCertificates(directory);
	}

	/**
	 * Return whether the {@code openssl} command line tool runs.
	 * @return {@code true} if {@code openssl version} succeeds
	 */
	public static boolean opensslAvailable() {
		try {
			Process process = new ProcessBuilder("openssl", "version").redirectErrorStream(true).start();
			process.getInputStream().readAllBytes();
			return process.waitFor(30, TimeUnit.SECONDS) && process.exitValue() == 0;
		}
		catch (IOException ex) {
			return false;
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
			return false;
		}
	}

	/**
	 * Return the commands {@code docs/TLS.md} prints to make the certificates: its first
	 * {@code sh} block after the marker.
	 * @return the commands
	 */
	public static String commands() {
		String doc;
		try (InputStream in = TestCertificates.class.getResourceAsStream(DOC)) {
			if (in == null) {
				throw new IllegalStateException(DOC + " is not packaged with test-support");
			}
			doc = new String(in.readAllBytes(), StandardCharsets.UTF_8);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		int marker = doc.indexOf(MARKER);
		int start = (marker < 0) ? -1 : doc.indexOf("```sh\n", marker);
		int end = (start < 0) ? -1 : doc.indexOf("\n```", start + 6);
		if (end < 0) {
			throw new IllegalStateException(DOC + " has no sh block after '" + MARKER + "'");
		}
		return doc.substring(start + 6, end + 1);
	}

	/**
	 * Return the directory of the files.
	 * @return the directory
	 */
	public Path directory() {
		return this.directory;
	}

	/**
	 * Return a file of the directory.
	 * @param fileName such as {@code server.pem}
	 * @return the path
	 */
	public Path file(String fileName) {
		return this.directory.resolve(fileName);
	}

	/**
	 * Return a certificate.
	 * @param name such as {@code server}
	 * @return the certificate of {@code <name>.pem}
	 */
	public X509Certificate certificate(String name) {
		try (InputStream in = Files.newInputStream(file(name + ".pem"))) {
			return (X509Certificate) CertificateFactory.getInstance("X.509").generateCertificate(in);
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return a private key.
	 * @param name such as {@code server}
	 * @return the PKCS#8 key of {@code <name>.key}
	 */
	public PrivateKey privateKey(String name) {
		try {
			String pem = Files.readString(file(name + ".key"), StandardCharsets.US_ASCII);
			String base64 = pem.replaceAll("-----(BEGIN|END) PRIVATE KEY-----", "").replaceAll("\\s", "");
			PKCS8EncodedKeySpec spec = new PKCS8EncodedKeySpec(Base64.getDecoder().decode(base64));
			try {
				return KeyFactory.getInstance("EC").generatePrivate(spec);
			}
			catch (GeneralSecurityException ex) {
				return KeyFactory.getInstance("RSA").generatePrivate(spec);
			}
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return a key store holding a key and its chain (the certificate, then the CA's unless
	 * self-signed), under the alias {@code name}, password {@link #password()}.
	 * @param name such as {@code server}
	 * @return the key store
	 */
	public KeyStore keyStore(String name) {
		X509Certificate certificate = certificate(name);
		List<X509Certificate> chain = new ArrayList<>(List.of(certificate));
		if (!certificate.getIssuerX500Principal().equals(certificate.getSubjectX500Principal())) {
			chain.add(certificate("ca"));
		}
		try {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(null, null);
			store.setKeyEntry(name, privateKey(name), PASSWORD, chain.toArray(new X509Certificate[0]));
			return store;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return a key store that trusts the test CA only.
	 * @return the trust store
	 */
	public KeyStore trustStore() {
		try {
			KeyStore store = KeyStore.getInstance("PKCS12");
			store.load(null, null);
			store.setCertificateEntry("ca", certificate("ca"));
			return store;
		}
		catch (IOException ex) {
			throw new UncheckedIOException(ex);
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	/**
	 * Return the password of the key stores.
	 * @return the password
	 */
	public char[] password() {
		return PASSWORD.clone();
	}

	/**
	 * Return a context with a key and its chain that trusts the test CA: a server's, whose
	 * trust material checks client certificates, or a client's that presents a certificate.
	 * @param name the key's name, such as {@code server} or {@code client}
	 * @return the context
	 */
	public SSLContext context(String name) {
		return context(keyStore(name));
	}

	/**
	 * Return a client's context that trusts the test CA and presents no certificate.
	 * @return the context
	 */
	public SSLContext clientContext() {
		return context((KeyStore) null);
	}

	/**
	 * Connect a client that trusts the test CA, presents no certificate, asks for
	 * {@code localhost} with SNI and checks the server's certificate against that name; the
	 * handshake starts with the first read or write.
	 * @param address the server's (or a relay's) loopback address
	 * @return the connected socket, with a read timeout of 10 s
	 * @throws IOException if the connect fails
	 */
	public SSLSocket connectClient(InetSocketAddress address) throws IOException {
		SSLSocket socket = (SSLSocket) clientContext().getSocketFactory().createSocket();
		socket.connect(address, 5000);
		socket.setSoTimeout(10_000);
		SSLParameters parameters = socket.getSSLParameters();
		parameters.setEndpointIdentificationAlgorithm("HTTPS");
		parameters.setServerNames(List.of(new SNIHostName("localhost")));
		socket.setSSLParameters(parameters);
		return socket;
	}

	private SSLContext context(KeyStore keys) {
		try {
			TrustManagerFactory trust = TrustManagerFactory.getInstance(TrustManagerFactory.getDefaultAlgorithm());
			trust.init(trustStore());
			KeyManagerFactory keyManagers = null;
			if (keys != null) {
				keyManagers = KeyManagerFactory.getInstance(KeyManagerFactory.getDefaultAlgorithm());
				keyManagers.init(keys, PASSWORD);
			}
			SSLContext context = SSLContext.getInstance("TLS");
			context.init((keyManagers != null) ? keyManagers.getKeyManagers() : null, trust.getTrustManagers(), null);
			return context;
		}
		catch (GeneralSecurityException ex) {
			throw new IllegalStateException(ex);
		}
	}

	private static void deleteQuietly(Path directory) {
		try (Stream<Path> paths = Files.walk(directory)) {
			paths.sorted(Comparator.reverseOrder()).forEach((path) -> path.toFile().delete());
		}
		catch (IOException | UncheckedIOException ex) {
			// A temporary directory left behind is harmless.
		}
	}

}
