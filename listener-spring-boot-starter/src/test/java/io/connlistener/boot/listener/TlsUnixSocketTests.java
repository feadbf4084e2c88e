package io.connlistener.boot.listener;

import java.nio.file.Path;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.testsupport.TlsEchoConfiguration;
import io.connlistener.testsupport.OpensslClient;
import io.connlistener.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for TLS on a Unix domain socket listener: the engine does not care what carries
 * its records, so a listener with {@code path} serves TLS as a TCP one does, to
 * {@code openssl s_client -unix}.
 */
@Timeout(60)
class TlsUnixSocketTests {

	@Test
	void unixDomainSocketListenerServesTls(@TempDir Path directory) {
		TestCertificates certificates = TestCertificates.shared();
		Path socket = directory.resolve("gateway.sock");
		new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, ConnListenerAutoConfiguration.class))
			.withUserConfiguration(TlsEchoConfiguration.class)
			.withPropertyValues("conn-listener.io-threads=1", "conn-listener.listeners.gateway.path=" + socket,
					"conn-listener.listeners.gateway.tls.bundle=server",
					"spring.ssl.bundle.pem.server.keystore.certificate=file:" + certificates.file("server.pem"),
					"spring.ssl.bundle.pem.server.keystore.private-key=file:" + certificates.file("server.key"))
			.run((context) -> {
				assertThat(context).hasNotFailed();
				try (OpensslClient client = OpensslClient.connectUnix(socket, "-CAfile",
						certificates.file("ca.pem").toString(), "-verify_return_error", "-servername", "localhost")) {
					client.awaitHandshake();
					assertThat(client.valueOf("Peer certificate: ")).isEqualTo("CN = connlistener test server");
					client.sendLine("over a Unix domain socket").expectLine("over a Unix domain socket");
					assertThat(client.quit()).isZero();
				}
			});
	}

}
