package io.connlistener.boot.listener;

import java.io.IOException;
import java.io.InputStream;
import java.io.OutputStream;
import java.net.InetSocketAddress;
import java.net.Socket;
import java.util.Arrays;
import javax.net.ssl.SSLSocket;

import io.connlistener.boot.actuate.metrics.ConnListenerMetrics;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.autoconfigure.metrics.ConnListenerMetricsAutoConfiguration;
import io.connlistener.boot.handler.BlockingConnection;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.handler.MessageContext;
import io.connlistener.boot.handler.MessageHandler;
import io.connlistener.boot.testsupport.TestHandlers;
import io.connlistener.boot.testsupport.TlsListeners;
import io.connlistener.boot.testsupport.YamlProperties;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.testsupport.Figures;
import io.connlistener.testsupport.TestCertificates;
import io.micrometer.core.instrument.DistributionSummary;
import io.micrometer.core.instrument.MeterRegistry;
import io.micrometer.core.instrument.simple.SimpleMeterRegistry;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.autoconfigure.ssl.SslAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.ApplicationContext;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The bytes each listener's sockets move, as {@code conn.listener.bytes.received} /
 * {@code .sent} and, per connection once it closed, {@code conn.listener.connection.bytes}:
 * exactly what a plain echo's client sent and read, for the buffered, blocking and message
 * styles, and over TLS the records, more than the plaintext.
 */
@Timeout(60)
class ConnectionBytesTests {

	/** An echo of this many bytes: lines of 100, so that the message echo answers each. */
	private static final int SIZE = 100 * 1000;

	private TestCertificates certificates;

	private ApplicationContextRunner contextRunner;

	@BeforeEach
	void setUp() {
		this.certificates = TestCertificates.shared();
		this.contextRunner = new ApplicationContextRunner()
			.withConfiguration(AutoConfigurations.of(SslAutoConfiguration.class, ConnListenerAutoConfiguration.class,
					ConnListenerMetricsAutoConfiguration.class))
			.withBean(SimpleMeterRegistry.class)
			.withUserConfiguration(Handlers.class)
			.withInitializer(YamlProperties.of(TlsListeners.bundles(this.certificates) + """
					conn-listener:
					  io-threads: 2
					  defaults:
					    address: 127.0.0.1
					  listeners:
					    buffered: {port: 0}
					    blocking: {port: 0}
					    message:
					      port: 0
					      framing: {type: line, max-frame-size: 1KB}
					    buffered-tls:
					      port: 0
					      tls: {bundle: server}
					    blocking-tls:
					      port: 0
					      tls: {bundle: server}
					"""));
	}

	@Test
	void countersAreWhatAPlainEchoMovedForEveryStyle() {
		this.contextRunner.run((context) -> {
			MeterRegistry meters = bind(context);
			for (String name : new String[] { "buffered", "blocking", "message" }) {
				try (Socket socket = new Socket("127.0.0.1", port(context, name))) {
					echo(socket);
				}
				await().untilAsserted(() -> assertThat(summary(meters, name, "received").count()).isEqualTo(1));
				assertThat(counter(meters, name, "received")).as(name).isEqualTo(SIZE);
				assertThat(counter(meters, name, "sent")).as(name).isEqualTo(SIZE);
				assertThat(summary(meters, name, "received").totalAmount()).as(name).isEqualTo(SIZE);
				assertThat(summary(meters, name, "sent").totalAmount()).as(name).isEqualTo(SIZE);
				assertThat(listener(context, name).traffic().received()).isEqualTo(SIZE);
			}
		});
	}

	@Test
	void overTlsTheCountersAreTheRecordsAndMatchTheConnectionsFigures() {
		this.contextRunner.run((context) -> {
			MeterRegistry meters = bind(context);
			for (String name : new String[] { "buffered-tls", "blocking-tls" }) {
				long[] seen = new long[2];
				SSLSocket socket = (SSLSocket) this.certificates.context("client")
					.getSocketFactory()
					.createSocket("127.0.0.1", port(context, name));
				try (socket) {
					socket.setSoTimeout(20_000);
					socket.startHandshake();
					echo(socket);
					ConnectionRegistry registry = context.getBean(ConnectionRegistry.class);
					ConnectionInfo info = registry.list(name).get(0);
					assertThat(info.tlsProtocol()).isEqualTo("TLSv1.3");
					seen[0] = info.bytesReceived();
					seen[1] = info.bytesSent();
				}
				await().untilAsserted(() -> assertThat(summary(meters, name, "sent").count()).isEqualTo(1));
				double received = counter(meters, name, "received");
				double sent = counter(meters, name, "sent");
				assertThat(received).as(name).isGreaterThan(SIZE);
				assertThat(sent).as(name).isGreaterThan(SIZE);
				assertThat(summary(meters, name, "received").totalAmount()).as(name).isEqualTo(received);
				assertThat(summary(meters, name, "sent").totalAmount()).as(name).isEqualTo(sent);
				// While open, the view had all but the client's close_notify and the server's answer to it.
				assertThat((double) seen[0]).as(name).isGreaterThan(SIZE).isLessThanOrEqualTo(received);
				assertThat((double) seen[1]).as(name).isGreaterThan(SIZE).isLessThanOrEqualTo(sent);
				Figures.record("tls-bytes-" + name, "plaintext %d each way; wire received %.0f, sent %.0f", SIZE,
						received, sent);
			}
		});
	}

	private static MeterRegistry bind(ApplicationContext context) {
		MeterRegistry meters = context.getBean(MeterRegistry.class);
		context.getBean(ConnListenerMetrics.class).bindTo(meters);
		return meters;
	}

	/**
	 * Send {@code SIZE} bytes of lines and read as many back, writing and reading at once.
	 */
	private static void echo(Socket socket) throws Exception {
		byte[] line = new byte[100];
		Arrays.fill(line, (byte) 'x');
		// CRLF, as the line framing ends its replies.
		line[98] = '\r';
		line[99] = '\n';
		OutputStream output = socket.getOutputStream();
		Thread writer = new Thread(() -> {
			try {
				for (int i = 0; i < SIZE / line.length; i++) {
					output.write(line);
				}
				output.flush();
			}
			catch (IOException ex) {
				// The read below fails too, and says so.
			}
		});
		writer.start();
		InputStream input = socket.getInputStream();
		byte[] buffer = new byte[8192];
		long read = 0;
		while (read < SIZE) {
			int n = input.read(buffer);
			assertThat(n).as("%s echoed so far: %d", socket.getPort(), read).isPositive();
			read += n;
		}
		writer.join();
		assertThat(read).isEqualTo(SIZE);
	}

	private static double counter(MeterRegistry meters, String listener, String direction) {
		return meters.get("conn.listener.bytes." + direction).tag("listener", listener).functionCounter().count();
	}

	private static DistributionSummary summary(MeterRegistry meters, String listener, String direction) {
		return meters.get("conn.listener.connection.bytes")
			.tag("listener", listener)
			.tag("direction", direction)
			.summary();
	}

	private static ManagedConnListener listener(ApplicationContext context, String name) {
		return context.getBean(ConnListenerRegistry.class).get(name);
	}

	private static int port(ApplicationContext context, String name) {
		return ((InetSocketAddress) listener(context, name).localAddress()).getPort();
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		@ConnectionHandler("buffered")
		BufferedHandler bufferedHandler() {
			return TestHandlers.bufferedEcho();
		}

		@Bean
		@ConnectionHandler("buffered-tls")
		BufferedHandler bufferedTlsHandler() {
			return TestHandlers.bufferedEcho();
		}

		@Bean
		@ConnectionHandler("blocking")
		BlockingConnectionHandler blockingHandler() {
			return Handlers::copy;
		}

		@Bean
		@ConnectionHandler("blocking-tls")
		BlockingConnectionHandler blockingTlsHandler() {
			return Handlers::copy;
		}

		@Bean
		@ConnectionHandler("message")
		MessageHandler<String> messageHandler() {
			// A line comes without its end, which the framing adds to the reply.
			return new MessageHandler<>() {

				@Override
				public String onMessage(String line, MessageContext context) {
					return line;
				}

			};
		}

		private static void copy(BlockingConnection connection) throws IOException {
			connection.inputStream().transferTo(connection.outputStream());
		}

	}
}
