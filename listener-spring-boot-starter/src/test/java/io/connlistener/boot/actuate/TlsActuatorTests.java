package io.connlistener.boot.actuate;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.nio.charset.StandardCharsets;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.time.Instant;
import java.util.Collection;
import java.util.List;
import java.util.Map;
import java.util.concurrent.TimeUnit;
import javax.net.ssl.SSLContext;
import javax.net.ssl.SSLSocket;

import io.connlistener.boot.actuate.endpoint.ConnListenersEndpoint;
import io.connlistener.boot.actuate.endpoint.ListenerDescriptor;
import io.connlistener.boot.actuate.endpoint.TlsDescriptor;
import io.connlistener.boot.actuate.endpoint.TlsDescriptor.BundleDescriptor;
import io.connlistener.boot.actuate.metrics.ConnListenerMetrics;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.autoconfigure.endpoint.ConnListenersEndpointAutoConfiguration;
import io.connlistener.boot.autoconfigure.health.ConnListenersHealthContributorAutoConfiguration;
import io.connlistener.boot.autoconfigure.metrics.ConnListenerMetricsAutoConfiguration;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.testsupport.EchoGreeterConfiguration;
import io.connlistener.boot.testsupport.TlsEchoConfiguration;
import io.connlistener.boot.testsupport.TlsListeners;
import io.connlistener.testsupport.TestCertificates;
import io.micrometer.core.instrument.Meter;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.Tag;
import io.micrometer.core.instrument.Timer;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * What Actuator shows of TLS listeners, over real handshakes: the handshake timer by
 * listener, outcome and protocol, the handshakes refused among the rejections of the
 * endpoint and the meters, the endpoint's {@code tls} object of bundles and certificates,
 * and the certificates' expiry in health, which stays UP for a certificate about to expire.
 */
@Timeout(90)
class TlsActuatorTests {

	private TestCertificates certificates;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.certificates = TestCertificates.shared();
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, ConnListenerAutoConfiguration.class,
					ConnListenersEndpointAutoConfiguration.class, ConnListenersHealthContributorAutoConfiguration.class,
					ConnListenerMetricsAutoConfiguration.class, HealthContributorAutoConfiguration.class,
					HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
			.withPropertyValues("management.endpoints.web.exposure.include=connlisteners,health",
					"management.endpoint.health.show-details=always")
			.withBean(SimpleMeterRegistry.class);
	}

	@Test
	void handshakesAreTimedByOutcomeAndProtocolAndRefusedOnesAreRejections() {
		this.contextRunner.withInitializer(TlsListeners.withYaml(TlsListeners.yaml(this.certificates)))
			.withUserConfiguration(TlsListeners.Handlers.class)
			.run((context) -> {
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(ConnListenerMetrics.class).bindTo(registry);
				try (SSLSocket socket = connect(context, "mutual", this.certificates.context("client"))) {
					assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.3");
				}
				try (SSLSocket socket = connect(context, "gateway", this.certificates.clientContext(), "TLSv1.2")) {
					assertThat(socket.getSession().getProtocol()).isEqualTo("TLSv1.2");
				}
				// Plain text to a TLS port, and a client without the certificate mutual needs.
				try (Socket plain = new Socket("127.0.0.1", port(context, "gateway"))) {
					plain.setSoTimeout(10_000);
					plain.getOutputStream().write("GET / HTTP/1.0\r\n\r\n".getBytes(StandardCharsets.US_ASCII));
					assertThat(readQuietly(plain.getInputStream())).as("closed before any handler answers").isEqualTo(-1);
				}
				try (SSLSocket socket = connect(context, "mutual", this.certificates.clientContext())) {
					// TLS 1.3: the client's handshake ends before the server has checked its (empty) certificate.
					assertThat(readQuietly(socket.getInputStream())).isEqualTo(-1);
				}
				// The server ends a handshake after the client: each count is awaited.
				await().until(() -> handshakes(registry, "mutual", "failed", "none") == 1
						&& handshakes(registry, "gateway", "failed", "none") == 1
						&& handshakes(registry, "mutual", "success", "TLSv1.3") == 1
						&& handshakes(registry, "gateway", "success", "TLSv1.2") == 1);
				assertThat(handshakes(registry, "gateway", "success", "TLSv1.3")).isZero();
				assertThat(handshakes(registry, "gateway", "timeout", "none")).isZero();
				assertThat(handshakes(registry, "gateway", "client-hello-too-large", "none")).isZero();
				Timer success = registry.get("conn.listener.tls.handshake")
					.tags("listener", "mutual", "outcome", "success", "protocol", "TLSv1.3")
					.timer();
				assertThat(success.totalTime(TimeUnit.NANOSECONDS)).isPositive();
				Collection<Meter> timers = registry.find("conn.listener.tls.handshake").meters();
				assertThat(timers).isNotEmpty()
					.allSatisfy((meter) -> assertThat(meter.getId().getTags()).extracting(Tag::getKey)
						.containsExactlyInAnyOrder("listener", "outcome", "protocol"));
				assertThat(rejections(registry, "gateway", "tls-handshake-failed")).isEqualTo(1);
				assertThat(rejections(registry, "mutual", "tls-handshake-failed")).isEqualTo(1);
				assertThat(rejections(registry, "mutual", "tls-handshake-timeout")).isZero();
				ConnListenersEndpoint endpoint = context.getBean(ConnListenersEndpoint.class);
				assertThat(endpoint.listener("mutual").rejections()).containsEntry("tls-handshake-failed", 1L)
					.containsEntry("tls-handshake-timeout", 0L)
					.containsEntry("tls-client-hello-too-large", 0L);
			});
	}

	@Test
	void endpointShowsEachBundleServedWithItsCertificate() {
		this.contextRunner.withInitializer(TlsListeners.withYaml(TlsListeners.yaml(this.certificates)))
			.withUserConfiguration(TlsListeners.Handlers.class)
			.run((context) -> {
				ListenerDescriptor gateway = context.getBean(ConnListenersEndpoint.class).listener("gateway");
				TlsDescriptor tls = gateway.tls();
				assertThat(tls.bundle()).isEqualTo("server");
				assertThat(tls.serverNameBundles()).containsExactly(Map.entry("b.example.test", "server2"));
				assertThat(tls.clientAuth()).isEqualTo("none");
				assertThat(tls.applicationProtocols()).containsExactly("echo/1", "h2");
				assertThat(tls.handshakeTimeoutMillis()).isEqualTo(10_000);
				assertThat(tls.clientHelloMaxSize()).isEqualTo(16_384);
				assertThat(tls.bundles()).containsOnlyKeys("server", "server2");
				assertThat(tls.bundles().get("server")).isEqualTo(new BundleDescriptor(List.of("TLSv1.3", "TLSv1.2"),
						"CN=connlistener test server", "03E9",
						this.certificates.certificate("server").getNotAfter().toInstant()));
				assertThat(tls.bundles().get("server2").serialNumber()).isEqualTo("03EA");
				assertThat(context.getBean(ConnListenersEndpoint.class).listener("mutual").tls().clientAuth())
					.isEqualTo("need");
			});
	}

	@Test
	void healthShowsTheExpiryAndStaysUpForACertificateAboutToExpire(@TempDir Path directory) throws Exception {
		// Valid for one day from now: about to expire, as a monitor would warn of.
		Path certificate = directory.resolve("expiring.pem");
		Path key = directory.resolve("expiring.key");
		Process openssl = new ProcessBuilder("openssl", "req", "-x509", "-newkey", "ec", "-pkeyopt",
				"ec_paramgen_curve:P-256", "-nodes", "-keyout", key.toString(), "-out", certificate.toString(),
				"-days", "1", "-subj", "/CN=expiring.example.test")
			.redirectErrorStream(true)
			.start();
		openssl.getInputStream().readAllBytes();
		assertThat(openssl.waitFor(30, TimeUnit.SECONDS) && openssl.exitValue() == 0).isTrue();
		assertThat(Files.readString(key)).startsWith("-----BEGIN PRIVATE KEY-----");
		this.contextRunner.withUserConfiguration(TlsEchoConfiguration.class)
			.withPropertyValues("conn-listener.io-threads=1", "conn-listener.listeners.gateway.port=0",
					"conn-listener.listeners.gateway.address=127.0.0.1", "conn-listener.listeners.gateway.tls.bundle=soon",
					"spring.ssl.bundle.pem.soon.keystore.certificate=file:" + certificate,
					"spring.ssl.bundle.pem.soon.keystore.private-key=file:" + key)
			.run((context) -> {
				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				HealthDescriptor gateway = health.healthForPath("connListeners", "gateway");
				assertThat(gateway.getStatus()).isEqualTo(Status.UP);
				Map<String, Object> details = ((IndicatedHealthDescriptor) gateway).getDetails();
				@SuppressWarnings("unchecked")
				Map<String, Map<String, Object>> certificates = (Map<String, Map<String, Object>>) details
					.get("certificates");
				assertThat(certificates).containsOnlyKeys("soon");
				assertThat(certificates.get("soon")).containsEntry("subject", "CN=expiring.example.test")
					.containsKeys("serialNumber", "notAfter");
				Instant notAfter = Instant.parse((String) certificates.get("soon").get("notAfter"));
				assertThat(Duration.between(Instant.now(), notAfter)).isPositive().isLessThanOrEqualTo(Duration.ofDays(1));
				assertThat(health.health().getStatus()).isEqualTo(Status.UP);
			});
	}

	@Test
	void aPlainListenerHasNoTlsObjectNorCertificates() {
		this.contextRunner.withUserConfiguration(EchoGreeterConfiguration.class)
			.withPropertyValues("conn-listener.io-threads=1", "conn-listener.listeners.echo.port=0",
					"conn-listener.listeners.echo.address=127.0.0.1")
			.run((context) -> {
				assertThat(context.getBean(ConnListenersEndpoint.class).listener("echo").tls()).isNull();
				HealthDescriptor echo = context.getBean(HealthEndpoint.class).healthForPath("connListeners", "echo");
				assertThat(((IndicatedHealthDescriptor) echo).getDetails()).doesNotContainKey("certificates");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				context.getBean(ConnListenerMetrics.class).bindTo(registry);
				assertThat(registry.find("conn.listener.tls.handshake").meters()).isEmpty();
			});
	}

	private static double handshakes(MeterRegistry registry, String listener, String outcome, String protocol) {
		Timer timer = registry.find("conn.listener.tls.handshake")
			.tags("listener", listener, "outcome", outcome, "protocol", protocol)
			.timer();
		return (timer != null) ? timer.count() : 0;
	}

	private static double rejections(MeterRegistry registry, String listener, String reason) {
		return registry.get("conn.listener.rejections")
			.tags("listener", listener, "reason", reason)
			.functionCounter()
			.count();
	}

	private static int readQuietly(InputStream input) {
		try {
			return input.read();
		}
		catch (IOException ex) {
			// An alert, or a reset of bytes the server never read, ends the stream too.
			return -1;
		}
	}

	private static SSLSocket connect(ApplicationContext context, String name, SSLContext sslContext,
			String... protocols) throws IOException {
		SSLSocket socket = (SSLSocket) sslContext.getSocketFactory().createSocket();
		socket.connect(new InetSocketAddress("127.0.0.1", port(context, name)), 10_000);
		socket.setSoTimeout(10_000);
		if (protocols.length > 0) {
			socket.setEnabledProtocols(protocols);
		}
		socket.startHandshake();
		OutputStream output = socket.getOutputStream();
		output.flush();
		return socket;
	}

	private static int port(ApplicationContext context, String name) {
		return ((InetSocketAddress) context.getBean(ConnListenerRegistry.class).get(name).localAddress()).getPort();
	}

}
