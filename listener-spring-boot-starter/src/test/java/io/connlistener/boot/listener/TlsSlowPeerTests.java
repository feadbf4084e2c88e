package io.connlistener.boot.listener;

import java.io.IOException;
import java.io.InputStream;
import java.net.InetSocketAddress;
import java.nio.charset.StandardCharsets;
import javax.net.ssl.SSLSocket;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.BlockingConnection;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.testsupport.TlsListeners;
import io.connlistener.boot.testsupport.YamlProperties;
import io.connlistener.testsupport.PacedRelay;
import io.connlistener.testsupport.TestCertificates;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests of the blocking style over TLS with a client whose records trickle in, through a
 * relay that passes them on at about 400 ms per 16 KiB record, twice the idle timeout: the
 * bytes of a record arriving are progress, although no plaintext arrives until the whole
 * record has. (The write side, which needs a small send buffer on the accepted socket, is
 * {@code TlsChannelStreamsTests}'.)
 */
@Timeout(60)
class TlsSlowPeerTests {

	private static final int PACE = 40 * 1024;

	private static final int TOTAL = 64 * 1024;

	private static final TestCertificates certificates = TestCertificates.shared();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, ConnListenerAutoConfiguration.class))
		.withInitializer(YamlProperties.of(yaml()))
		.withUserConfiguration(Handlers.class);

	@Test
	void aReadOfRecordsThatTrickleInIsNotTimedOut() {
		this.contextRunner.run((context) -> {
			ManagedConnListener listener = listener(context, "count");
			try (PacedRelay relay = PacedRelay.pacingClient(address(listener), PACE);
					SSLSocket client = certificates.connectClient(relay.address())) {
				client.getOutputStream().write(new byte[TOTAL]);
				client.getOutputStream().flush();
				assertThat(new String(client.getInputStream().readNBytes(5), StandardCharsets.US_ASCII))
					.isEqualTo("done\n");
			}
			assertThat(listener.idleTimeouts()).isZero();
		});
	}

	private static String yaml() {
		return TlsListeners.bundles(certificates) + """
				conn-listener:
				  io-threads: 1
				  defaults:
				    address: 127.0.0.1
				    tls:
				      bundle: server
				  listeners:
				    count:
				      port: 0
				      idle-timeout: 200ms
				""";
	}

	private static ManagedConnListener listener(ApplicationContext context, String name) {
		return context.getBean(ConnListenerRegistry.class).get(name);
	}

	private static InetSocketAddress address(ManagedConnListener listener) {
		return (InetSocketAddress) listener.localAddress();
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		@ConnectionHandler("count")
		BlockingConnectionHandler count() {
			return TlsSlowPeerTests::countThenAnswer;
		}

	}

	private static void countThenAnswer(BlockingConnection connection) throws IOException {
		InputStream input = connection.inputStream();
		byte[] buffer = new byte[4096];
		long received = 0;
		while (received < TOTAL) {
			int read = input.read(buffer);
			if (read < 0) {
				return;
			}
			received += read;
		}
		connection.outputStream().write("done\n".getBytes(StandardCharsets.US_ASCII));
		connection.outputStream().flush();
	}

}
