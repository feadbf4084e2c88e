package io.connlistener.boot.autoconfigure.observation;

import java.time.Duration;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;

import ch.qos.logback.classic.Logger;
import ch.qos.logback.classic.LoggerContext;
import ch.qos.logback.classic.PatternLayout;
import ch.qos.logback.classic.spi.ILoggingEvent;
import ch.qos.logback.core.AppenderBase;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.handler.MessageContext;
import io.connlistener.boot.handler.MessageHandler;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.testsupport.CapturingAppender;
import io.connlistener.boot.testsupport.LoopbackClient;
import io.connlistener.testsupport.LogCapture;
import io.micrometer.tracing.exporter.FinishedSpan;
import io.micrometer.tracing.exporter.SpanReporter;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;
import org.junit.jupiter.api.AfterEach;
import org.junit.jupiter.api.BeforeEach;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.extension.RegisterExtension;
import org.slf4j.LoggerFactory;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.observation.autoconfigure.ObservationAutoConfiguration;
import org.springframework.boot.micrometer.tracing.autoconfigure.MicrometerTracingAutoConfiguration;
import org.springframework.boot.micrometer.tracing.brave.autoconfigure.BraveAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * A message handler's log line carries the trace id of its {@code conn.listener.message}
 * observation, with Spring Boot's own observation and Brave tracing auto-configurations: the
 * path a real application takes, from the registry Boot makes to the MDC Brave fills.
 */
@Timeout(60)
class MessageTracingTests {

	private static final Duration WAIT = Duration.ofSeconds(10);

	@RegisterExtension
	final LogCapture log = CapturingAppender.capture();

	private final LineAppender lines = new LineAppender();

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class,
				ConnListenerObservationAutoConfiguration.class, ObservationAutoConfiguration.class,
				MicrometerTracingAutoConfiguration.class, BraveAutoConfiguration.class))
		.withUserConfiguration(Spans.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.connection-observations=true",
				"conn-listener.message-observations=true",
				"conn-listener.defaults.address=127.0.0.1",
				"conn-listener.listeners.commands.port=0", "conn-listener.listeners.commands.framing.type=line",
				"management.tracing.sampling.probability=1.0");

	@BeforeEach
	void attach() {
		this.lines.start();
		handlerLogger().addAppender(this.lines);
	}

	@AfterEach
	void detach() {
		handlerLogger().detachAppender(this.lines);
		this.lines.stop();
	}

	@Test
	void aLogLineOfAMessageHandlerCarriesTheTraceIdOfItsObservation() {
		this.contextRunner.run((context) -> {
			ConnListenerRegistry registry = context.getBean(ConnListenerRegistry.class);
			try (LoopbackClient client = LoopbackClient.connect(registry.get("commands").localAddress())) {
				assertThat(client.exchange("hello")).isEqualTo("OK hello");
			}
			List<FinishedSpan> spans = context.getBean(Spans.class).spans;
			await().atMost(WAIT).until(() -> spans.stream().anyMatch((span) -> span.getName().equals("message commands")));
			FinishedSpan message = spans.stream()
				.filter((span) -> span.getName().equals("message commands"))
				.findFirst()
				.orElseThrow();
			assertThat(this.lines.lines).containsExactly(message.getTraceId() + " handling hello");
			assertThat(message.getTraceId()).isNotBlank();
			// The setup is a trace of its own, short, and not the parent of the message.
			assertThat(spans).anySatisfy((span) -> assertThat(span.getName()).isEqualTo("connection setup commands"));
		});
	}

	private static Logger handlerLogger() {
		return (Logger) LoggerFactory.getLogger(TracingHandler.class);
	}

	@Configuration(proxyBeanMethods = false)
	static class Spans {

		final List<FinishedSpan> spans = new CopyOnWriteArrayList<>();

		@Bean
		@ConnectionHandler("commands")
		TracingHandler commands() {
			return new TracingHandler();
		}

		@Bean
		SpanReporter recordingSpanReporter() {
			return this.spans::add;
		}

	}

	static class TracingHandler implements MessageHandler<String> {

		private static final Log logger = LogFactory.getLog(TracingHandler.class);

		@Override
		public String onMessage(String line, MessageContext context) {
			logger.info("handling " + line);
			return "OK " + line;
		}

	}

	/**
	 * The handler's log lines, laid out with the trace id from the MDC, as an application's
	 * log pattern shows it.
	 */
	static final class LineAppender extends AppenderBase<ILoggingEvent> {

		final List<String> lines = new CopyOnWriteArrayList<>();

		private final PatternLayout layout = new PatternLayout();

		LineAppender() {
			this.layout.setContext((LoggerContext) LoggerFactory.getILoggerFactory());
			this.layout.setPattern("%X{traceId} %msg");
			this.layout.start();
			setContext(this.layout.getContext());
		}

		@Override
		protected void append(ILoggingEvent event) {
			this.lines.add(this.layout.doLayout(event));
		}

	}

}
