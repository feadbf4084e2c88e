package io.connlistener.boot.listener.tls;

import java.math.BigInteger;
import java.security.cert.X509Certificate;
import java.time.Instant;
import java.util.Locale;

/**
 * The certificate an SSL bundle serves, the first of its key entry's chain, as operators
 * compare it: with {@code openssl x509 -noout -subject -serial -enddate}.
 *
 * @param subject the subject's distinguished name (RFC 2253), such as
 * {@code CN=gateway.example.test}
 * @param serialNumber the serial number in upper-case hex, padded to whole bytes as
 * {@code openssl x509 -serial} prints it
 * @param notAfter when the certificate expires
 */
public record BundleCertificate(String subject, String serialNumber, Instant notAfter) {

	/**
	 * Describe a certificate.
	 * @param certificate the certificate
	 * @return its description
	 */
	public static BundleCertificate of(X509Certificate certificate) {
		return new BundleCertificate(certificate.getSubjectX500Principal().getName(),
				hex(certificate.getSerialNumber()), certificate.getNotAfter().toInstant());
	}

	/**
	 * Return a serial number as {@code openssl x509 -serial} prints it.
	 * @param serialNumber the serial number
	 * @return upper-case hex, of an even number of digits
	 */
	public static String hex(BigInteger serialNumber) {
		String hex = serialNumber.toString(16).toUpperCase(Locale.ROOT);
		return ((hex.length() % 2 != 0) ? "0" : "") + hex;
	}

}
