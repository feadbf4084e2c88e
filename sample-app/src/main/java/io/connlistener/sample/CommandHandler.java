package io.connlistener.sample;

import java.time.Clock;
import java.util.Locale;

import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.handler.MessageContext;
import io.connlistener.boot.handler.MessageHandler;
import io.connlistener.boot.handler.NonBlocking;
import io.connlistener.boot.listener.BroadcastResult;
import io.connlistener.boot.listener.ConnectionRegistry;

import org.springframework.beans.factory.annotation.Autowired;
import org.springframework.stereotype.Component;

/**
 * Answers a tiny line protocol on listener {@code commands}, one reply per line:
 * {@code PING} gets {@code PONG}, {@code ECHO <text>} gets the text, {@code TIME} the
 * current instant (ISO-8601), {@code ALL <text>} sends the text to every connection of the
 * listener through the {@link ConnectionRegistry} and answers how many got it
 * ({@code SENT 3 SKIPPED 0}), {@code QUIT} gets {@code BYE} and the connection is closed,
 * anything else {@code ERR unknown command}. The listener's {@code line} framing cuts the
 * lines and ends each reply with CRLF. No command waits for anything (a broadcast skips a
 * client that does not read), so the handler is {@link NonBlocking}: it runs on the event
 * loop, one line of a connection at a time, with no hand-off to a thread per line.
 */
@Component
@ConnectionHandler("commands")
@NonBlocking
public class CommandHandler implements MessageHandler<String> {

	private final ConnectionRegistry connections;

	private final Clock clock;

	@Autowired
	public CommandHandler(ConnectionRegistry connections) {
		this(connections, Clock.systemUTC());
	}

	CommandHandler(ConnectionRegistry connections, Clock clock) {
		this.connections = connections;
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
			case "ALL" -> {
				// Never waits: a client that does not read is skipped, not waited for.
				BroadcastResult result = this.connections.broadcast(context.listenerName(),
						(space >= 0) ? line.substring(space + 1) : "");
				yield "SENT " + result.sent() + " SKIPPED " + result.skipped();
			}
			case "QUIT" -> {
				// The reply goes out first, then the connection closes.
				context.close();
				yield "BYE";
			}
			default -> "ERR unknown command";
		};
	}

}
