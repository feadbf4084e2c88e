package io.connlistener.benchmarks;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.cert.CertificateException;
import java.security.cert.X509Certificate;
import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import javax.net.ssl.SNIHostName;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;
import javax.net.ssl.SSLSession;
import javax.net.ssl.SSLSocket;
import javax.net.ssl.TrustManager;
import javax.net.ssl.X509ExtendedTrustManager;

import io.connlistener.benchmarks.peers.TlsFiles;

/**
 * The load generator's side of TLS, the same for every peer: the JDK's TLS trusting the run's
 * test certificate alone, one protocol, one cipher suite, and SNI {@code localhost}. The
 * certificate is pinned (the server's must be that one, byte for byte) rather than checked
 * by the JDK's PKIX trust manager, which would build and check a path on every handshake:
 * work of the client's that only slows the load down. The engine still checks the server's
 * signature of the handshake with the certificate's key. Every engine is created without a
 * peer host and port, which is what the JDK's client session cache is keyed by, so that
 * every handshake is a full one: nothing is ever resumed.
 * <p>
 * The cipher suite is pinned to AES-128-GCM (with TLS 1.3, {@code TLS_AES_128_GCM_SHA256},
 * the one suite every TLS 1.3 stack must have) so that every peer protects its records the
 * same way and the ratios compare servers, not the suites their defaults prefer.
 * <p>
 * Thread-safe.
 */
public final class TlsClient {

	/** The protocol a run speaks unless told otherwise. */
	public static final String DEFAULT_PROTOCOL = "TLSv1.3";

	private final SSLContext context;

	private final String protocol;

	private final String cipherSuite;

	/** What every connection offers, made once: the engines and sockets copy it. */
	private final SSLParameters parameters;

	/**
	 * Create a client that trusts the run's certificate.
	 * @param material the run's certificate
	 * @param protocol {@code TLSv1.3} or {@code TLSv1.2}
	 * @throws GeneralSecurityException if the JDK cannot make the context
	 * @throws IOException if the trust store cannot be made
	 */
	public TlsClient(TlsMaterial material, String protocol) throws GeneralSecurityException, IOException {
		this.protocol = checkProtocol(protocol);
		this.cipherSuite = cipherSuite(protocol, material.keyType());
		this.context = SSLContext.getInstance("TLS");
		this.context.init(null, new TrustManager[] { new PinnedTrustManager(material.certificate()) }, null);
		this.parameters = this.context.getDefaultSSLParameters();
		this.parameters.setProtocols(new String[] { this.protocol });
		this.parameters.setCipherSuites(new String[] { this.cipherSuite });
		this.parameters.setServerNames(List.of(new SNIHostName(TlsFiles.HOST_NAME)));
	}

	/**
	 * Check a protocol name.
	 * @param protocol the name
	 * @return the name
	 */
	static String checkProtocol(String protocol) {
		if (!"TLSv1.3".equals(protocol) && !"TLSv1.2".equals(protocol)) {
			throw new IllegalArgumentException("TLS protocol must be TLSv1.3 or TLSv1.2, not " + protocol);
		}
		return protocol;
	}

	private static String cipherSuite(String protocol, TlsMaterial.KeyType keyType) {
		if ("TLSv1.3".equals(protocol)) {
			return "TLS_AES_128_GCM_SHA256";
		}
		return (keyType == TlsMaterial.KeyType.EC) ? "TLS_ECDHE_ECDSA_WITH_AES_128_GCM_SHA256"
				: "TLS_ECDHE_RSA_WITH_AES_128_GCM_SHA256";
	}

	/**
	 * Create the engine of one new connection, in client mode, with nothing to resume.
	 * @return the engine, its handshake not begun
	 */
	SSLEngine newEngine() {
		SSLEngine engine = this.context.createSSLEngine();
		engine.setUseClientMode(true);
		engine.setSSLParameters(this.parameters);
		return engine;
	}

	/**
	 * Make one connection with a blocking {@link SSLSocket} of the same context and
	 * parameters, echo a message, and close: the check that a TLS peer is served before it
	 * is loaded.
	 * @param target the peer's address
	 * @param timeout how long connecting, the handshake and the echo may take, each
	 * @return the session's protocol and cipher suite, as in {@code TLSv1.3 TLS_AES_128_GCM_SHA256}
	 * @throws IOException if the handshake or the echo fails
	 */
	String probe(InetSocketAddress target, Duration timeout) throws IOException {
		try (SSLSocket socket = (SSLSocket) this.context.getSocketFactory().createSocket()) {
			socket.setSSLParameters(this.parameters);
			socket.connect(target, (int) timeout.toMillis());
			socket.setSoTimeout((int) timeout.toMillis());
			socket.startHandshake();
			byte[] message = "probe".getBytes(StandardCharsets.US_ASCII);
			socket.getOutputStream().write(message);
			socket.getOutputStream().flush();
			byte[] echo = new byte[message.length];
			InputStream in = socket.getInputStream();
			int read = 0;
			while (read < echo.length) {
				int n = in.read(echo, read, echo.length - read);
				if (n < 0) {
					throw new IOException("The peer closed the connection after " + read + " bytes of the echo");
				}
				read += n;
			}
			if (!Arrays.equals(message, echo)) {
				throw new IOException("The peer echoed other bytes than it was sent");
			}
			SSLSession session = socket.getSession();
			return session.getProtocol() + " " + session.getCipherSuite();
		}
	}

	/**
	 * Return the protocol every connection speaks.
	 * @return for example {@code TLSv1.3}
	 */
	public String protocol() {
		return this.protocol;
	}

	/**
	 * Return the one cipher suite every connection offers.
	 * @return for example {@code TLS_AES_128_GCM_SHA256}
	 */
	public String cipherSuite() {
		return this.cipherSuite;
	}

	/**
	 * Trusts one certificate: the server's chain must start with it.
	 */
	private static final class PinnedTrustManager extends X509ExtendedTrustManager {

		private final X509Certificate pinned;

		PinnedTrustManager(X509Certificate pinned) {
			this.pinned = pinned;
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			if (chain == null || chain.length == 0 || !this.pinned.equals(chain[0])) {
				throw new CertificateException("The server's certificate is not the run's test certificate");
			}
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, Socket socket)
				throws CertificateException {
			checkServerTrusted(chain, authType);
		}

		@Override
		public void checkServerTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
				throws CertificateException {
			checkServerTrusted(chain, authType);
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType) throws CertificateException {
			throw new CertificateException("A load generator trusts no client");
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, Socket socket)
				throws CertificateException {
			checkClientTrusted(chain, authType);
		}

		@Override
		public void checkClientTrusted(X509Certificate[] chain, String authType, SSLEngine engine)
				throws CertificateException {
			checkClientTrusted(chain, authType);
		}

		@Override
		public X509Certificate[] getAcceptedIssuers() {
			return new X509Certificate[] { this.pinned };
		}

	}

}
