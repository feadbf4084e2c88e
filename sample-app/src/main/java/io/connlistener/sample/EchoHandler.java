package io.connlistener.sample;

import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.buffer.ConnectionEvent;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.stereotype.Component;

/**
 * Sends back every byte it receives: the seed's {@code echo_read_cb} and
 * {@code echo_event_cb}, serving listener {@code echo}. One instance serves every
 * connection, so it keeps no state of its own.
 */
@Component
@ConnectionHandler("echo")
public class EchoHandler implements BufferedHandler {

	private static final Log logger = LogFactory.getLog(EchoHandler.class);

	@Override
	public void onRead(BufferedConnection connection) {
		// Move everything read to the output, without copying.
		connection.input().moveTo(connection.output());
		if (!connection.isWritable()) {
			// The peer reads slower than it writes: stop reading until it catches up.
			connection.disableRead();
		}
	}

	@Override
	public void onWrite(BufferedConnection connection) {
		connection.enableRead();
	}

	@Override
	public void onEvent(BufferedConnection connection, ConnectionEvent event) {
		if (event == ConnectionEvent.ERROR && logger.isDebugEnabled()) {
			logger.debug("Connection from " + connection.remoteAddress() + " failed", connection.error());
		}
		connection.close();
	}

}
