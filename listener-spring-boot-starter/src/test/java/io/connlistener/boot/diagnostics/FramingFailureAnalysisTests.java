package io.connlistener.boot.diagnostics;

import java.util.ArrayList;
import java.util.List;

import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.handler.MessageContext;
import io.connlistener.boot.handler.MessageHandler;
import io.connlistener.boot.testsupport.EchoGreeterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

/**
 * Tests for the failure analysis of listeners whose framing cannot work or does not fit
 * their handler: each gives an exact description and action, naming the property to
 * change.
 */
@Timeout(60)
class FramingFailureAnalysisTests {

	private static final String ORDERS = "conn-listener.listeners.orders.";

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withPropertyValues("conn-listener.io-threads=1");

	@Test
	void messageHandlerWithoutFraming() {
		assertFailure(Orders.class, List.of(),
				"Listener 'orders' on 0.0.0.0:0 cannot start: its handler, bean 'orders', is a MessageHandler "
						+ "(message), but neither conn-listener.listeners.orders.framing.type nor "
						+ "conn-listener.defaults.framing.type is set, so nothing says where one message ends and the "
						+ "next begins.",
				"Set conn-listener.listeners.orders.framing.type to how the protocol delimits its messages: line, "
						+ "delimiter, length-field, stx-etx, fixed or raw.");
	}

	@Test
	void framingOnARawHandler() {
		this.contextRunner.withUserConfiguration(EchoGreeterConfiguration.class)
			.withPropertyValues("conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.framing.type=line")
			.run((context) -> ConnListenerFailureAnalysisTests.assertAnalysis(context.getStartupFailure(),
					ConnListenerFailureAnalysisTests.environment(List.of("conn-listener.listeners.echo.port=0",
							"conn-listener.listeners.echo.framing.type=line")),
					"Listener 'echo' on 0.0.0.0:0 cannot start: conn-listener.listeners.echo.framing.type is set, but "
							+ "its handler, bean 'echoHandler', is an AcceptCallback (raw), which reads the bytes itself "
							+ "and would ignore framing.",
					"Make bean 'echoHandler' implement MessageHandler<String>, MessageHandler<byte[]> or "
							+ "MessageHandler<ByteBuffer> (message), or remove conn-listener.listeners.echo.framing."));
	}

	@Test
	void framingOnABlockingHandler() {
		assertFailure(Blocking.class, List.of(ORDERS + "framing.max-frame-size=1KB"),
				"Listener 'orders' on 0.0.0.0:0 cannot start: conn-listener.listeners.orders.framing.max-frame-size "
						+ "is set, but its handler, bean 'orders', is a BlockingConnectionHandler (blocking), which "
						+ "reads the bytes itself and would ignore framing.",
				"Make bean 'orders' implement MessageHandler<String>, MessageHandler<byte[]> or "
						+ "MessageHandler<ByteBuffer> (message), or remove conn-listener.listeners.orders.framing.");
	}

	@Test
	void framingOfTheDefaultsIsLeftToMessageHandlers() {
		this.contextRunner.withUserConfiguration(Blocking.class)
			.withPropertyValues(ORDERS + "port=0", "conn-listener.defaults.framing.type=line")
			.run((context) -> org.assertj.core.api.Assertions.assertThat(context).hasNotFailed());
	}

	@Test
	void delimiterTypeWithoutDelimiter() {
		assertFailure(Orders.class, List.of(ORDERS + "framing.type=delimiter"),
				"Listener 'orders' on 0.0.0.0:0 cannot start: framing type delimiter needs "
						+ "conn-listener.listeners.orders.framing.delimiter, which is not set.",
				"Set conn-listener.listeners.orders.framing.delimiter to the bytes that end each frame, such as "
						+ "'\\r\\n' or '\\x1e' (escapes \\r, \\n, \\t, \\0, \\\\ and \\xHH are understood), or choose "
						+ "another framing.type.");
	}

	@Test
	void fixedTypeWithoutRecordSize() {
		assertFailure(Orders.class, List.of(ORDERS + "framing.type=fixed"),
				"Listener 'orders' on 0.0.0.0:0 cannot start: framing type fixed needs "
						+ "conn-listener.listeners.orders.framing.record-size, which is not set.",
				"Set conn-listener.listeners.orders.framing.record-size to the bytes of each record, such as 128, or "
						+ "choose another framing.type.");
	}

	@Test
	void lengthFieldOfThreeBytes() {
		assertFailure(Orders.class, List.of(ORDERS + "framing.type=length-field", ORDERS + "framing.length-field.size=3"),
				"Listener 'orders' on 0.0.0.0:0 cannot start: conn-listener.listeners.orders.framing.length-field.size "
						+ "is 3, but a length field has 1, 2, 4 or 8 bytes.",
				"Set conn-listener.listeners.orders.framing.length-field.size to 1, 2, 4 or 8.");
	}

	@Test
	void maxFrameSizeOfZero() {
		assertFailure(Orders.class, List.of(ORDERS + "framing.type=line", ORDERS + "framing.max-frame-size=0"),
				"Listener 'orders' on 0.0.0.0:0 cannot start: conn-listener.listeners.orders.framing.max-frame-size "
						+ "is 0B, but it must be positive: framing is never unlimited.",
				"Set conn-listener.listeners.orders.framing.max-frame-size to a size such as 64KB.");
	}

	@Test
	void negativeMaxFrameSizeOfTheDefaults() {
		assertFailure(Orders.class,
				List.of(ORDERS + "framing.type=line", "conn-listener.defaults.framing.max-frame-size=-1KB"),
				"Listener 'orders' on 0.0.0.0:0 cannot start: conn-listener.defaults.framing.max-frame-size is -1024B, "
						+ "but it must be positive: framing is never unlimited.",
				"Set conn-listener.defaults.framing.max-frame-size to a size such as 64KB.");
	}

	@Test
	void maxFrameSizeAboveTheReadHighWatermark() {
		assertFailure(Orders.class, List.of(ORDERS + "framing.type=line", ORDERS + "framing.max-frame-size=256KB"),
				"Listener 'orders' on 0.0.0.0:0 cannot start: conn-listener.listeners.orders.framing.max-frame-size "
						+ "is 262144B, but a whole frame, with the 2B its framing adds, must fit under "
						+ "buffered.read-high-watermark (262144B), where reading stops.",
				"Set conn-listener.listeners.orders.framing.max-frame-size to at most 262142B, or raise "
						+ "buffered.read-high-watermark.");
	}

	@Test
	void frameTimeoutOfZero() {
		assertFailure(Orders.class, List.of(ORDERS + "framing.type=line", ORDERS + "framing.frame-timeout=0s"),
				"Listener 'orders' on 0.0.0.0:0 cannot start: conn-listener.listeners.orders.framing.frame-timeout "
						+ "is 0ms, but it must be a positive duration.",
				"Set conn-listener.listeners.orders.framing.frame-timeout to a positive duration such as 30000ms.");
	}

	@Test
	void unknownCharset() {
		assertFailure(Orders.class, List.of(ORDERS + "framing.type=line", ORDERS + "framing.charset=UTF-9"),
				"Listener 'orders' on 0.0.0.0:0 cannot start: conn-listener.listeners.orders.framing.charset is "
						+ "'UTF-9', but this JVM has no character set of that name.",
				"Set conn-listener.listeners.orders.framing.charset to a character set such as UTF-8, US-ASCII or "
						+ "ISO-8859-1.");
	}

	@Test
	void delimiterWithAnUnknownEscape() {
		assertFailure(Orders.class, List.of(ORDERS + "framing.type=delimiter", ORDERS + "framing.delimiter=\\q"),
				"Listener 'orders' on 0.0.0.0:0 cannot start: conn-listener.listeners.orders.framing.delimiter is "
						+ "'\\q', but \\q is no escape it understands.",
				"Set conn-listener.listeners.orders.framing.delimiter to the bytes that end each frame, such as "
						+ "'\\r\\n' or '\\x1e' (escapes \\r, \\n, \\t, \\0, \\\\ and \\xHH are understood).");
	}

	@Test
	void messageHandlerOfAnotherType() {
		assertFailure(Numbers.class, List.of(ORDERS + "framing.type=line"),
				"Bean 'orders' is annotated with @ConnectionHandler(\"orders\") for listener 'orders' on 0.0.0.0:0, "
						+ "but it is a MessageHandler of java.lang.Integer: message handlers take String, byte[] or "
						+ "ByteBuffer messages.",
				"Make bean 'orders' implement MessageHandler<String>, MessageHandler<byte[]> or "
						+ "MessageHandler<ByteBuffer>.");
	}

	@Test
	void messageHandlerWhoseTypeNothingTells() {
		assertFailure(RawLambda.class, List.of(ORDERS + "framing.type=line"),
				"Bean 'orders' is annotated with @ConnectionHandler(\"orders\") for listener 'orders' on 0.0.0.0:0, "
						+ "but it is a MessageHandler whose message type cannot be told: message handlers take String, "
						+ "byte[] or ByteBuffer messages.",
				"Make bean 'orders' implement MessageHandler<String>, MessageHandler<byte[]> or "
						+ "MessageHandler<ByteBuffer>.");
	}

	private void assertFailure(Class<?> configuration, List<String> properties, String description, String action) {
		List<String> all = new ArrayList<>(List.of(ORDERS + "port=0"));
		all.addAll(properties);
		this.contextRunner.withUserConfiguration(configuration)
			.withPropertyValues(all.toArray(String[]::new))
			.run((context) -> ConnListenerFailureAnalysisTests.assertAnalysis(context.getStartupFailure(),
					ConnListenerFailureAnalysisTests.environment(all), description, action));
	}

	@Configuration(proxyBeanMethods = false)
	static class Orders {

		@Bean
		@ConnectionHandler("orders")
		Lines orders() {
			return new Lines();
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Blocking {

		@Bean
		@ConnectionHandler("orders")
		BlockingConnectionHandler orders() {
			return (connection) -> connection.outputStream().write('x');
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class RawLambda {

		// Neither the lambda's class nor the raw return type names the message type.
		@Bean
		@ConnectionHandler("orders")
		@SuppressWarnings({ "rawtypes", "unchecked" })
		MessageHandler orders() {
			return (message, context) -> message;
		}

	}

	@Configuration(proxyBeanMethods = false)
	static class Numbers {

		@Bean
		@ConnectionHandler("orders")
		Counter orders() {
			return new Counter();
		}

	}

	static class Lines implements MessageHandler<String> {

		@Override
		public String onMessage(String message, MessageContext context) {
			return message;
		}

	}

	static class Counter implements MessageHandler<Integer> {

		@Override
		public Integer onMessage(Integer message, MessageContext context) {
			return message;
		}

	}

}
