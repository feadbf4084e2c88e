package io.connlistener.boot.diagnostics;

import io.connlistener.AcceptCallback;
import io.connlistener.boot.handler.BlockingConnectionHandler;
import io.connlistener.boot.handler.MessageHandler;
import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.buffer.BufferedHandler;

import org.springframework.boot.diagnostics.FailureAnalysis;

/**
 * The descriptions and actions of a listener whose framing and handler do not fit: a
 * message handler without framing or with a message type it cannot take, framing on a
 * handler that reads its bytes itself, a framing type without the setting it needs, and
 * settings core refused.
 */
final class FramingFailureTexts {

	static final String MESSAGE_TYPES = "MessageHandler<String>, MessageHandler<byte[]> or "
			+ "MessageHandler<ByteBuffer>";

	static final String TYPES = "line, delimiter, length-field, stx-etx, fixed or raw";

	static final String DELIMITER_EXAMPLE = "the bytes that end each frame, such as '\\r\\n' or '\\x1e' "
			+ "(escapes \\r, \\n, \\t, \\0, \\\\ and \\xHH are understood)";

	private FramingFailureTexts() {
	}

	/**
	 * Explain a framing failure.
	 * @param failure what is wrong
	 * @param subject the listener and where it listens
	 * @param property the property to change, or {@code null}
	 * @param cause the exception the analysis is of
	 * @return the analysis
	 */
	static FailureAnalysis analysis(ListenerConfigurationException failure, String subject, String property,
			Throwable cause) {
		String name = failure.getListenerName();
		String framing = ListenerPropertyNames.listener(name, "framing");
		return switch (failure.getProblem()) {
			case FRAMING_REQUIRED -> new FailureAnalysis(subject + " cannot start: its handler, bean '"
					+ failure.getDetail(0) + "', is a " + MessageHandler.class.getSimpleName()
					+ " (message), but neither " + property + " nor " + ListenerPropertyNames.defaults("framing.type")
					+ " is set, so nothing says where one message ends and the next begins.",
					"Set " + property + " to how the protocol delimits its messages: " + TYPES + ".", cause);
			case FRAMING_OF_OTHER_HANDLER -> new FailureAnalysis(subject + " cannot start: " + property
					+ " is set, but its handler, bean '" + failure.getDetail(0) + "', is "
					+ style(failure.getDetail(1)) + ", which reads the bytes itself and would ignore framing.",
					"Make bean '" + failure.getDetail(0) + "' implement " + MESSAGE_TYPES + " (message), or remove "
							+ framing + ".",
					cause);
			case FRAMING_SETTING_MISSING -> new FailureAnalysis(subject + " cannot start: framing type "
					+ failure.getDetail(0) + " needs " + property + ", which is not set.",
					"Set " + property + " to " + (property.endsWith("delimiter") ? DELIMITER_EXAMPLE
							: "the bytes of each record, such as 128") + ", or choose another framing.type.",
					cause);
			case FRAMING_REFUSED -> new FailureAnalysis(subject + " cannot start: the framing settings of type "
					+ failure.getValue() + " were refused: " + failure.getCause().getMessage() + ".",
					"Change the " + framing + ".* settings as the reason says.", cause);
			case UNSUPPORTED_MESSAGE_TYPE -> {
				String type = failure.getDetail(1);
				yield new FailureAnalysis("Bean '" + failure.getDetail(0) + "' is annotated with @ConnectionHandler(\""
						+ name + "\") for " + subject.replaceFirst("^Listener", "listener") + ", but it is a "
						+ MessageHandler.class.getSimpleName() + ((type != null) ? " of " + type
								: " whose message type cannot be told")
						+ ": message handlers take String, byte[] or ByteBuffer messages.",
						"Make bean '" + failure.getDetail(0) + "' implement " + MESSAGE_TYPES + ".", cause);
			}
			default -> throw new IllegalArgumentException("Not a framing problem: " + failure.getProblem());
		};
	}

	private static String style(String style) {
		return switch (style) {
			case "raw" -> "an " + AcceptCallback.class.getSimpleName() + " (raw)";
			case "buffered" -> "a " + BufferedHandler.class.getSimpleName() + " (buffered)";
			default -> "a " + BlockingConnectionHandler.class.getSimpleName() + " (blocking)";
		};
	}

}
