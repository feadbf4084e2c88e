package io.connlistener.benchmarks;

import java.io.IOException;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.GeneralSecurityException;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Base64;
import java.util.List;
import java.util.Locale;

import io.connlistener.benchmarks.peers.TlsFiles;

/**
 * The test certificate of one run: a self-signed server certificate for {@code localhost}
 * and {@code 127.0.0.1}, made at the start of the run by the running JDK's {@code keytool}
 * in a temporary folder, as a PKCS#12 key store and as PEM files ({@link TlsFiles}), and
 * deleted with the folder by {@link #close()}.
 * <p>
 * {@code keytool} rather than the {@code openssl} command: it ships with the JDK that runs
 * the harness and the peers, so a run needs nothing else installed, and its PKCS#12 file
 * loads in that JDK whatever the {@code openssl} version's defaults. The PEM files are
 * written from the key store, so every peer holds the same key and certificate.
 *
 * @param folder the folder, in the layout of {@link TlsFiles}
 * @param keyType the key's algorithm
 * @param certificate the certificate
 */
public record TlsMaterial(Path folder, KeyType keyType, X509Certificate certificate) implements AutoCloseable {

	private static final Duration KEYTOOL_TIMEOUT = Duration.ofSeconds(60);

	/**
	 * Make the material in a new temporary folder.
	 * @param keyType the key's algorithm
	 * @return the material
	 * @throws IOException if {@code keytool} fails or the files cannot be written
	 * @throws InterruptedException if interrupted while {@code keytool} runs
	 */
	public static TlsMaterial create(KeyType keyType) throws IOException, InterruptedException {
		Path folder = Files.createTempDirectory("connlistener-bench-tls-");
		try {
			return create(folder, keyType);
		}
		catch (IOException | InterruptedException | RuntimeException ex) {
			ToolProcess.deleteTree(folder);
			throw ex;
		}
	}

	/**
	 * Make the material in a folder.
	 * @param folder an existing, empty folder
	 * @param keyType the key's algorithm
	 * @return the material
	 * @throws IOException if {@code keytool} fails or the files cannot be written
	 * @throws InterruptedException if interrupted while {@code keytool} runs
	 */
	public static TlsMaterial create(Path folder, KeyType keyType) throws IOException, InterruptedException {
		List<String> command = new ArrayList<>(List.of(Path.of(System.getProperty("java.home"), "bin", "keytool").toString(),
				"-genkeypair", "-alias", TlsFiles.ALIAS, "-dname", "CN=" + TlsFiles.HOST_NAME + ", O=connlistener benchmarks",
				"-ext", "SAN=dns:" + TlsFiles.HOST_NAME + ",ip:127.0.0.1", "-validity", "7", "-storetype", "PKCS12",
				"-keystore", folder.resolve(TlsFiles.KEY_STORE).toString(), "-storepass", TlsFiles.PASSWORD));
		command.addAll(keyType.keytoolArguments());
		Path output = folder.resolve("keytool.txt");
		ToolProcess.run("keytool", command, output, KEYTOOL_TIMEOUT);
		Files.delete(output);
		try {
			KeyStore store = TlsFiles.keyStore(folder);
			X509Certificate certificate = (X509Certificate) store.getCertificate(TlsFiles.ALIAS);
			PrivateKey key = (PrivateKey) store.getKey(TlsFiles.ALIAS, TlsFiles.PASSWORD.toCharArray());
			Files.writeString(folder.resolve(TlsFiles.CERTIFICATE), pem("CERTIFICATE", certificate.getEncoded()),
					StandardCharsets.US_ASCII);
			// PrivateKey.getEncoded() is PKCS#8, what "BEGIN PRIVATE KEY" holds.
			Files.writeString(folder.resolve(TlsFiles.PRIVATE_KEY), pem("PRIVATE KEY", key.getEncoded()),
					StandardCharsets.US_ASCII);
			return new TlsMaterial(folder, keyType, certificate);
		}
		catch (GeneralSecurityException ex) {
			throw new IOException("keytool's key store does not load: " + ex.getMessage(), ex);
		}
	}

	private static String pem(String type, byte[] der) {
		return "-----BEGIN " + type + "-----\n"
				+ Base64.getMimeEncoder(64, new byte[] { '\n' }).encodeToString(der) + "\n-----END " + type + "-----\n";
	}

	/**
	 * Return the PEM certificate file.
	 * @return the path
	 */
	public Path certificateFile() {
		return this.folder.resolve(TlsFiles.CERTIFICATE);
	}

	/**
	 * Return the PEM private key file.
	 * @return the path
	 */
	public Path privateKeyFile() {
		return this.folder.resolve(TlsFiles.PRIVATE_KEY);
	}

	/**
	 * Describe the certificate, as the report does.
	 * @return for example {@code self-signed EC P-256 (SHA256withECDSA), CN=localhost}
	 */
	public String describe() {
		return "self-signed " + this.keyType.description() + " certificate (" + this.certificate.getSigAlgName()
				+ ") for `" + TlsFiles.HOST_NAME + "` and `127.0.0.1`, made by the JDK's `keytool` at the start of the run";
	}

	/**
	 * Delete the folder and its files.
	 */
	@Override
	public void close() {
		ToolProcess.deleteTree(this.folder);
	}

	/**
	 * The server key's algorithm.
	 */
	public enum KeyType {

		/** ECDSA on P-256: what most sites now serve, and cheap to sign with. */
		EC("EC P-256", "-keyalg", "EC", "-groupname", "secp256r1", "-sigalg", "SHA256withECDSA"),

		/** RSA 2048: the other common choice; its signature dominates a handshake's cost. */
		RSA("RSA 2048", "-keyalg", "RSA", "-keysize", "2048", "-sigalg", "SHA256withRSA");

		private final String description;

		private final List<String> keytoolArguments;

		KeyType(String description, String... keytoolArguments) {
			this.description = description;
			this.keytoolArguments = List.of(keytoolArguments);
		}

		/**
		 * Parse {@code ec} or {@code rsa}.
		 * @param text the name
		 * @return the key type
		 */
		public static KeyType parse(String text) {
			try {
				return valueOf(text.trim().toUpperCase(Locale.ROOT));
			}
			catch (IllegalArgumentException ex) {
				throw new IllegalArgumentException("TLS key must be ec or rsa, not " + text);
			}
		}

		String description() {
			return this.description;
		}

		List<String> keytoolArguments() {
			return this.keytoolArguments;
		}

	}

}
