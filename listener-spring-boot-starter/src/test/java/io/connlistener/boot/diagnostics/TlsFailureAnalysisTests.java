package io.connlistener.boot.diagnostics;

import java.util.ArrayList;
import java.util.List;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.testsupport.TlsEchoConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.Environment;

/**
 * Tests for the failure analysis of TLS listeners that cannot start because of a value:
 * each gives an exact description and action, naming the property to change.
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
