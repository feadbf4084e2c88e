package io.connlistener.boot.diagnostics;

import java.util.ArrayList;
import java.util.List;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.testsupport.EchoGreeterConfiguration;
import io.connlistener.boot.testsupport.TlsEchoConfiguration;
import io.connlistener.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.Environment;

/**
 * Tests for the failure analysis of TLS listeners that cannot start because of a value or
 * of an SSL bundle that cannot serve them: each gives an exact description and action,
 * naming the property to change.
 */
@Timeout(60)
class TlsFailureAnalysisTests {

	private static final String GATEWAY = "conn-listener.listeners.gateway.";

	// Boot reads a PEM bundle's files when it is first used, so these need not exist to register.
	private static final String[] BUNDLES = { "spring.ssl.bundle.pem.gateway.keystore.certificate=file:gateway.crt",
			"spring.ssl.bundle.pem.gateway.keystore.private-key=file:gateway.key",
			"spring.ssl.bundle.pem.a.keystore.certificate=file:a.crt" };

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, ConnListenerAutoConfiguration.class))
		.withUserConfiguration(TlsEchoConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=1", GATEWAY + "port=9443");

	@Test
	void unknownBundle() {
		assertFailure(List.of(GATEWAY + "tls.bundle=gatway"),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: conn-listener.listeners.gateway.tls.bundle is "
						+ "'gatway', but no SSL bundle has that name. Configured bundles: 'a', 'gateway'.",
				"Configure SSL bundle 'gatway' under spring.ssl.bundle.pem.gatway (PEM files) or "
						+ "spring.ssl.bundle.jks.gatway (a key store), or set conn-listener.listeners.gateway.tls.bundle "
						+ "to the name of a configured bundle.");
	}

	@Test
	void unknownBundleOfTheDefaultsWhenNoneIsConfigured() {
		this.contextRunner.withPropertyValues("conn-listener.defaults.tls.bundle=gateway")
			.run((context) -> ConnListenerFailureAnalysisTests.assertAnalysis(context.getStartupFailure(),
					environment(List.of()),
					"Listener 'gateway' on 0.0.0.0:9443 cannot start: conn-listener.defaults.tls.bundle is 'gateway', "
							+ "but no SSL bundle has that name. No SSL bundles are configured.",
					"Configure SSL bundle 'gateway' under spring.ssl.bundle.pem.gateway (PEM files) or "
							+ "spring.ssl.bundle.jks.gateway (a key store), or set conn-listener.defaults.tls.bundle "
							+ "to the name of a configured bundle."));
	}

	@Test
	void unknownBundleOfAServerName() {
		assertFailure(List.of(GATEWAY + "tls.bundle=gateway", GATEWAY + "tls.server-name-bundles[0].server-name=b.test",
				GATEWAY + "tls.server-name-bundles[0].bundle=b"),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: "
						+ "conn-listener.listeners.gateway.tls.server-name-bundles[0].bundle is 'b', but no SSL bundle "
						+ "has that name. Configured bundles: 'a', 'gateway'.",
				"Configure SSL bundle 'b' under spring.ssl.bundle.pem.b (PEM files) or spring.ssl.bundle.jks.b "
						+ "(a key store), or set conn-listener.listeners.gateway.tls.server-name-bundles[0].bundle to "
						+ "the name of a configured bundle.");
	}

	@Test
	void bundleWhoseFilesAreMissing() {
		assertFailure(List.of(GATEWAY + "tls.bundle=gateway"),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: conn-listener.listeners.gateway.tls.bundle is "
						+ "'gateway', but that SSL bundle cannot be loaded: Unable to create key store: Error reading "
						+ "certificate or key from file 'file:gateway.crt': gateway.crt (No such file or directory).",
				"Make the files, passwords and key alias of SSL bundle 'gateway' (spring.ssl.bundle.pem.gateway.* or "
						+ "spring.ssl.bundle.jks.gateway.*) readable and right, or set "
						+ "conn-listener.listeners.gateway.tls.bundle to the name of another bundle.");
	}

	@Test
	void tlsSettingOfAListenerWithoutBundle() {
		assertFailure(List.of(GATEWAY + "tls.client-auth=need"),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: conn-listener.listeners.gateway.tls.client-auth is "
						+ "'need', but the listener serves no TLS: neither conn-listener.listeners.gateway.tls.bundle nor "
						+ "conn-listener.defaults.tls.bundle is set.",
				"Set conn-listener.listeners.gateway.tls.bundle to the SSL bundle the listener serves, or remove "
						+ "conn-listener.listeners.gateway.tls.client-auth.");
	}

	@Test
	void handshakeTimeoutThatIsNotPositive() {
		assertFailure(List.of(GATEWAY + "tls.bundle=gateway", GATEWAY + "tls.handshake-timeout=0s"),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: conn-listener.listeners.gateway.tls.handshake-timeout "
						+ "is 0ms, but it must be a positive duration.",
				"Set conn-listener.listeners.gateway.tls.handshake-timeout to a positive duration such as 10000ms.");
	}

	@Test
	void clientHelloMaxSizeOutOfRangeInTheDefaults() {
		assertFailure(List.of(GATEWAY + "tls.bundle=gateway", "conn-listener.defaults.tls.client-hello-max-size=1MB"),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: conn-listener.defaults.tls.client-hello-max-size is "
						+ "1048576B, but it must be from 512B to 64KB.",
				"Set conn-listener.defaults.tls.client-hello-max-size to a size such as 16KB.");
	}

	@Test
	void clientHelloMaxSizeOfZero() {
		assertFailure(List.of(GATEWAY + "tls.bundle=gateway", GATEWAY + "tls.client-hello-max-size=0"),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: conn-listener.listeners.gateway.tls.client-hello-max-size "
						+ "is 0B, but it must be from 512B to 64KB.",
				"Set conn-listener.listeners.gateway.tls.client-hello-max-size to a size such as 16KB.");
	}

	@Test
	void clientAuthNeedWithoutTrustStore() {
		TestCertificates certificates = TestCertificates.shared();
		assertFailure(List.of(GATEWAY + "tls.bundle=keyonly", GATEWAY + "tls.client-auth=need",
				"spring.ssl.bundle.pem.keyonly.keystore.certificate=file:" + certificates.file("server.pem"),
				"spring.ssl.bundle.pem.keyonly.keystore.private-key=file:" + certificates.file("server.key")),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: conn-listener.listeners.gateway.tls.client-auth is "
						+ "need, but SSL bundle 'keyonly' (conn-listener.listeners.gateway.tls.bundle) has no trust store "
						+ "to check client certificates against.",
				"Give SSL bundle 'keyonly' the certificates of the authorities that sign client certificates "
						+ "(spring.ssl.bundle.pem.keyonly.truststore.certificate, or "
						+ "spring.ssl.bundle.jks.keyonly.truststore.location), or set "
						+ "conn-listener.listeners.gateway.tls.client-auth to none.");
	}

	@Test
	void applicationProtocolTooLong() {
		String name = "x".repeat(256);
		assertFailure(List.of(GATEWAY + "tls.bundle=gateway", GATEWAY + "tls.application-protocols[0]=h2",
				GATEWAY + "tls.application-protocols[1]=" + name),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: "
						+ "conn-listener.listeners.gateway.tls.application-protocols[1] is '" + name + "', but an ALPN "
						+ "protocol name has from 1 to 255 characters.",
				"Set conn-listener.listeners.gateway.tls.application-protocols[1] to the name of a protocol the "
						+ "listener speaks, such as h2 or http/1.1, or remove it.");
	}

	@Test
	void serverNameThatIsAnAddress() {
		assertFailure(List.of(GATEWAY + "tls.bundle=gateway",
				GATEWAY + "tls.server-name-bundles[0].server-name=127.0.0.1", GATEWAY + "tls.server-name-bundles[0].bundle=a"),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: "
						+ "conn-listener.listeners.gateway.tls.server-name-bundles[0].server-name is '127.0.0.1', but "
						+ "it is no host name that clients send with SNI (they send none for an IP address).",
				"Set conn-listener.listeners.gateway.tls.server-name-bundles[0].server-name to a host name such as "
						+ "a.example.test, or *.example.test for every name one label under example.test.");
	}

	@Test
	void serverNameGivenTwiceInAnotherCase() {
		assertFailure(List.of(GATEWAY + "tls.bundle=gateway",
				GATEWAY + "tls.server-name-bundles[0].server-name=a.example.test",
				GATEWAY + "tls.server-name-bundles[0].bundle=a",
				GATEWAY + "tls.server-name-bundles[1].server-name=A.Example.Test",
				GATEWAY + "tls.server-name-bundles[1].bundle=gateway"),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: "
						+ "conn-listener.listeners.gateway.tls.server-name-bundles[1].server-name is 'A.Example.Test', "
						+ "but entry 0 of tls.server-name-bundles gives it already, and a host name is served one "
						+ "bundle.",
				"Set conn-listener.listeners.gateway.tls.server-name-bundles[1].server-name to another host name, or "
						+ "remove the entry.");
	}

	@Test
	void serverNameWithoutBundle() {
		assertFailure(List.of(GATEWAY + "tls.bundle=gateway",
				GATEWAY + "tls.server-name-bundles[0].server-name=*.example.test"),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: "
						+ "conn-listener.listeners.gateway.tls.server-name-bundles[0].bundle is empty, but host name "
						+ "'*.example.test' needs the SSL bundle it is served.",
				"Set conn-listener.listeners.gateway.tls.server-name-bundles[0].bundle to the name of a bundle "
						+ "configured under spring.ssl.bundle.pem.<name> or spring.ssl.bundle.jks.<name>.");
	}

	@Test
	void clientAuthThatDoesNotExist() {
		assertFailure(List.of(GATEWAY + "tls.bundle=gateway", GATEWAY + "tls.client-auth=required"),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: conn-listener.listeners.gateway.tls.client-auth is "
						+ "'required' (from \"conn-listener.listeners.gateway.tls.client-auth\" from property source "
						+ "\"test\"), which is not one of [none, want, need].",
				"Set conn-listener.listeners.gateway.tls.client-auth to one of [none, want, need].");
	}

	@Test
	void unknownKeyUnderTls() {
		assertFailure(List.of(GATEWAY + "tls.bundle=gateway", GATEWAY + "tls.protocols=TLSv1.3"),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: conn-listener.listeners.gateway.tls.protocols (from "
						+ "\"conn-listener.listeners.gateway.tls.protocols\" from property source \"test\") is not a "
						+ "listener property.",
				"Remove conn-listener.listeners.gateway.tls.protocols or correct its name. A listener takes: "
						+ ListenerPropertyNames.LISTENER_KEYS + ".");
	}

	@Test
	void bundleWithACertificateButNoKey() {
		TestCertificates certificates = TestCertificates.shared();
		assertFailure(List.of(GATEWAY + "tls.bundle=certonly",
				"spring.ssl.bundle.pem.certonly.keystore.certificate=file:" + certificates.file("server.pem")),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: conn-listener.listeners.gateway.tls.bundle is "
						+ "'certonly', but the key store of that SSL bundle holds no private key.",
				"Give SSL bundle 'certonly' the private key of its certificate (spring.ssl.bundle.pem.certonly"
						+ ".keystore.private-key, or a key entry in the key store of spring.ssl.bundle.jks.certonly), "
						+ "or set conn-listener.listeners.gateway.tls.bundle to a bundle that has them.");
	}

	@Test
	void bundleWithOnlyATrustStoreInTheDefaults() {
		TestCertificates certificates = TestCertificates.shared();
		assertFailure(List.of("conn-listener.defaults.tls.bundle=trustonly",
				"spring.ssl.bundle.pem.trustonly.truststore.certificate=file:" + certificates.file("ca.pem")),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: conn-listener.defaults.tls.bundle is 'trustonly', "
						+ "but that SSL bundle has no key store.",
				"Give SSL bundle 'trustonly' the listener's certificate chain and private key "
						+ "(spring.ssl.bundle.pem.trustonly.keystore.certificate and .keystore.private-key, or "
						+ "spring.ssl.bundle.jks.trustonly.keystore.location), or set conn-listener.defaults.tls.bundle "
						+ "to a bundle that has them.");
	}

	@Test
	void bundleWhosePrivateKeyIsNotTheCertificates() {
		TestCertificates certificates = TestCertificates.shared();
		assertFailure(List.of(GATEWAY + "tls.bundle=mixed",
				"spring.ssl.bundle.pem.mixed.keystore.certificate=file:" + certificates.file("server.pem"),
				"spring.ssl.bundle.pem.mixed.keystore.private-key=file:" + certificates.file("server2.key")),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: conn-listener.listeners.gateway.tls.bundle is "
						+ "'mixed', but the private key of that SSL bundle does not match its certificate.",
				"Give SSL bundle 'mixed' the certificate issued for its private key, or set "
						+ "conn-listener.listeners.gateway.tls.bundle to a bundle that has them.");
	}

	@Test
	void clientAuthWithoutTrustStoreInTheBundleOfAServerName() {
		TestCertificates certificates = TestCertificates.shared();
		assertFailure(List.of(GATEWAY + "tls.bundle=trusting", GATEWAY + "tls.client-auth=want",
				GATEWAY + "tls.server-name-bundles[0].server-name=b.example.test",
				GATEWAY + "tls.server-name-bundles[0].bundle=keyonly",
				"spring.ssl.bundle.pem.trusting.keystore.certificate=file:" + certificates.file("server.pem"),
				"spring.ssl.bundle.pem.trusting.keystore.private-key=file:" + certificates.file("server.key"),
				"spring.ssl.bundle.pem.trusting.truststore.certificate=file:" + certificates.file("ca.pem"),
				"spring.ssl.bundle.pem.keyonly.keystore.certificate=file:" + certificates.file("server2.pem"),
				"spring.ssl.bundle.pem.keyonly.keystore.private-key=file:" + certificates.file("server2.key")),
				"Listener 'gateway' on 0.0.0.0:9443 cannot start: conn-listener.listeners.gateway.tls.client-auth is "
						+ "want, but SSL bundle 'keyonly' "
						+ "(conn-listener.listeners.gateway.tls.server-name-bundles[0].bundle) has no trust store to "
						+ "check client certificates against.",
				"Give SSL bundle 'keyonly' the certificates of the authorities that sign client certificates "
						+ "(spring.ssl.bundle.pem.keyonly.truststore.certificate, or "
						+ "spring.ssl.bundle.jks.keyonly.truststore.location), or set "
						+ "conn-listener.listeners.gateway.tls.client-auth to none.");
	}

	@Test
	void rawHandlerOfATlsListener() {
		TestCertificates certificates = TestCertificates.shared();
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, ConnListenerAutoConfiguration.class))
			.withUserConfiguration(EchoGreeterConfiguration.class)
			.withPropertyValues("conn-listener.io-threads=1", "conn-listener.listeners.echo.port=0",
					"conn-listener.listeners.echo.address=127.0.0.1", "conn-listener.defaults.tls.bundle=server",
					"spring.ssl.bundle.pem.server.keystore.certificate=file:" + certificates.file("server.pem"),
					"spring.ssl.bundle.pem.server.keystore.private-key=file:" + certificates.file("server.key"))
			.run((context) -> ConnListenerFailureAnalysisTests.assertAnalysis(context.getStartupFailure(),
					environment(List.of()),
					"Listener 'echo' on 127.0.0.1:0 serves TLS (conn-listener.defaults.tls.bundle is 'server'), but its "
							+ "handler, bean 'echoHandler', is an AcceptCallback (raw), which would be given the "
							+ "encrypted channel.",
					"Make bean 'echoHandler' implement BufferedHandler (buffered) or BlockingConnectionHandler "
							+ "(blocking), which see plaintext over TLS, or remove conn-listener.defaults.tls.bundle to "
							+ "serve plain connections."));
	}

	private void assertFailure(List<String> properties, String description, String action) {
		this.contextRunner.withPropertyValues(BUNDLES)
			.withPropertyValues(properties.toArray(String[]::new))
			.run((context) -> ConnListenerFailureAnalysisTests.assertAnalysis(context.getStartupFailure(),
					environment(properties), description, action));
	}

	private static Environment environment(List<String> properties) {
		List<String> all = new ArrayList<>(List.of(GATEWAY + "port=9443"));
		all.addAll(properties);
		return ConnListenerFailureAnalysisTests.environment(all);
	}

}
