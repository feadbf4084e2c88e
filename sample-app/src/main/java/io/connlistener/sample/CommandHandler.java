package io.connlistener.sample;

import java.time.Clock;
import java.util.Locale;

import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.handler.MessageContext;
import io.connlistener.boot.handler.MessageHandler;

import org.springframework.stereotype.Component;

/**
 * Answers a tiny line protocol on listener {@code commands}, one reply per line:
 * {@code PING} gets {@code PONG}, {@code ECHO <text>} gets the text, {@code TIME} the
 * current instant (ISO-8601), {@code QUIT} gets {@code BYE} and the connection is closed,
 * anything else {@code ERR unknown command}. The listener's {@code line} framing cuts the
 * lines and ends each reply with CRLF; the handler runs off the event loop, one line of a
 * connection at a time.
 */
@Component
@ConnectionHandler("commands")
public class CommandHandler implements MessageHandler<String> {

	private final Clock clock;

	public CommandHandler() {
		this(Clock.systemUTC());
	}

	CommandHandler(Clock clock) {
		this.clock = clock;
	}

	@Override
	public String onMessage(String line, MessageContext context) {
		int space = line.indexOf(' ');
		String command = ((space >= 0) ? line.substring(0, space) : line).toUpperCase(Locale.ROOT);
		return switch (command) {
			case "PING" -> "PONG";
			case "ECHO" -> (space >= 0) ? line.substring(space + 1) : "";
			case "TIME" -> this.clock.instant().toString();
			case "QUIT" -> {
				// The reply goes out first, then the connection closes.
				context.close();
				yield "BYE";
			}
			default -> "ERR unknown command";
		};
	}

}
