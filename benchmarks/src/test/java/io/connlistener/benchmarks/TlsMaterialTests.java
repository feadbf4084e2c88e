package io.connlistener.benchmarks;

import java.io.InputStream;
import java.nio.file.Files;
import java.nio.file.Path;
import java.security.KeyFactory;
import java.security.KeyStore;
import java.security.PrivateKey;
import java.security.cert.CertificateFactory;
import java.security.cert.X509Certificate;
import java.security.interfaces.RSAPrivateKey;
import java.security.spec.PKCS8EncodedKeySpec;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.TimeUnit;

import io.connlistener.benchmarks.peers.TlsFiles;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link TlsMaterial}: {@code keytool}'s key store, and the same key and
 * certificate as PEM files that the JDK reads back.
 */
class TlsMaterialTests {

	@TempDir
	Path folder;

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void makesOneEcKeyAndCertificateAsPkcs12AndPem() throws Exception {
		TlsMaterial material = TlsMaterial.create(this.folder, TlsMaterial.KeyType.EC);
		KeyStore store = TlsFiles.keyStore(this.folder);
		X509Certificate certificate = (X509Certificate) store.getCertificate(TlsFiles.ALIAS);
		assertThat(material.certificate()).isEqualTo(certificate);
		assertThat(certificate.getSubjectX500Principal().getName()).startsWith("CN=localhost");
		assertThat(certificate.getSubjectAlternativeNames().stream().map((name) -> String.valueOf(name.get(1))))
			.containsExactlyInAnyOrder("localhost", "127.0.0.1");
		assertThat(certificate.getSigAlgName()).isEqualTo("SHA256withECDSA");
		try (InputStream in = Files.newInputStream(material.certificateFile())) {
			assertThat(CertificateFactory.getInstance("X.509").generateCertificate(in)).isEqualTo(certificate);
		}
		PrivateKey key = (PrivateKey) store.getKey(TlsFiles.ALIAS, TlsFiles.PASSWORD.toCharArray());
		assertThat(readPemKey(material.privateKeyFile(), "EC")).isEqualTo(key);
		assertThat(TlsFiles.serverContext(this.folder).getProtocol()).isEqualTo("TLS");
		assertThat(material.describe()).contains("EC P-256", "SHA256withECDSA");
		try (var files = Files.list(this.folder)) {
			assertThat(files.map((file) -> file.getFileName().toString()))
				.containsExactlyInAnyOrder(TlsFiles.KEY_STORE, TlsFiles.CERTIFICATE, TlsFiles.PRIVATE_KEY);
		}
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void makesAnRsaKeyOnRequest() throws Exception {
		TlsMaterial material = TlsMaterial.create(this.folder, TlsMaterial.KeyType.RSA);
		PrivateKey key = readPemKey(material.privateKeyFile(), "RSA");
		assertThat(((RSAPrivateKey) key).getModulus().bitLength()).isEqualTo(2048);
		assertThat(material.certificate().getSigAlgName()).isEqualTo("SHA256withRSA");
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void closeDeletesTheTemporaryFolder() throws Exception {
		TlsMaterial material = TlsMaterial.create(TlsMaterial.KeyType.EC);
		assertThat(material.certificateFile()).isRegularFile();
		material.close();
		assertThat(material.folder()).doesNotExist();
	}

	@Test
	void keyTypesParseFromTheCommandLine() {
		assertThat(List.of("ec", "RSA")).extracting(TlsMaterial.KeyType::parse)
			.containsExactly(TlsMaterial.KeyType.EC, TlsMaterial.KeyType.RSA);
	}

	private static PrivateKey readPemKey(Path file, String algorithm) throws Exception {
		String pem = Files.readString(file);
		assertThat(pem).startsWith("-----BEGIN PRIVATE KEY-----\n").endsWith("-----END PRIVATE KEY-----\n");
		String base64 = pem.replace("-----BEGIN PRIVATE KEY-----", "").replace("-----END PRIVATE KEY-----", "");
		byte[] der = Base64.getMimeDecoder().decode(base64);
		return KeyFactory.getInstance(algorithm).generatePrivate(new PKCS8EncodedKeySpec(der));
	}

}
