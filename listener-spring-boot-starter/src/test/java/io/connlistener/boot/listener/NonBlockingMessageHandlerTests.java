package io.connlistener.boot.listener;

import java.nio.charset.StandardCharsets;
import java.time.Duration;
import java.util.List;
import java.util.Set;
import java.util.concurrent.ConcurrentHashMap;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.handler.MessageContext;
import io.connlistener.boot.handler.MessageHandler;
import io.connlistener.boot.handler.NonBlocking;
import io.connlistener.boot.testsupport.LoopbackClient;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * Tests for {@code @NonBlocking} message handlers: they run on the connection's event loop,
 * in order, one message at a time, and the others still on handler threads.
 */
@Timeout(60)
class NonBlockingMessageHandlerTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(Handlers.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.defaults.address=127.0.0.1",
				"conn-listener.listeners.quick.port=0", "conn-listener.listeners.quick.framing.type=line",
				"conn-listener.listeners.slow.port=0", "conn-listener.listeners.slow.framing.type=line");

	@Test
	void aNonBlockingHandlerRunsOnTheEventLoopAndAnswersPipelinedLinesInOrder() {
		this.contextRunner.run((context) -> {
			ManagedConnListener quick = context.getBean(ConnListenerRegistry.class).get("quick");
			Quick handler = context.getBean(Quick.class);
			try (LoopbackClient client = LoopbackClient.connect(quick.localAddress())) {
				client.send("a\r\nb\r\nc\r\nclose\r\n");
				assertThat(List.of(client.readLine(), client.readLine(), client.readLine(), client.readLine()))
					.containsExactly("1 a", "2 b", "3 c", "4 bye");
				assertThat(client.readLine()).as("the close after the reply").isNull();
			}
			assertThat(handler.threads).allSatisfy((name) -> assertThat(name).startsWith("connlistener-io"));
			await().atMost(WAIT).until(() -> quick.activeConnections() == 0);
			assertThat(quick.messages().received()).isEqualTo(4);
			assertThat(quick.messages().sent()).isEqualTo(4);
		});
	}

	@Test
	void aHandlerWithoutTheAnnotationRunsOnAHandlerThread() {
		this.contextRunner.run((context) -> {
			ManagedConnListener slow = context.getBean(ConnListenerRegistry.class).get("slow");
			try (LoopbackClient client = LoopbackClient.connect(slow.localAddress())) {
				assertThat(client.exchange("where")).doesNotStartWith("connlistener-io").isNotEmpty();
			}
		});
	}

	@Configuration(proxyBeanMethods = false)
	static class Handlers {

		@Bean
		@ConnectionHandler("quick")
		Quick quick() {
			return new Quick();
		}

		@Bean
		@ConnectionHandler("slow")
		Where slow() {
			return new Where();
		}

	}

	/**
	 * Numbers the lines of each connection, and closes after answering {@code close}.
	 */
	@NonBlocking
	static class Quick implements MessageHandler<byte[]> {

		final Set<String> threads = ConcurrentHashMap.newKeySet();

		@Override
		public byte[] onMessage(byte[] message, MessageContext context) {
			this.threads.add(Thread.currentThread().getName());
			int count = (int) context.attributes().merge("count", 1, (a, b) -> (int) a + (int) b);
			String line = new String(message, StandardCharsets.US_ASCII);
			if (line.equals("close")) {
				context.close();
				line = "bye";
			}
			return (count + " " + line).getBytes(StandardCharsets.US_ASCII);
		}

	}

	/**
	 * Answers with the name of the thread it runs on.
	 */
	static class Where implements MessageHandler<String> {

		@Override
		public String onMessage(String message, MessageContext context) {
			return Thread.currentThread().getName();
		}

	}

}
