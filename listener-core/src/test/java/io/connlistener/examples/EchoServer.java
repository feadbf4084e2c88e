package io.connlistener.examples;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.time.Duration;
import java.util.EnumSet;

import io.connlistener.ConnListener;
import io.connlistener.ListenerOption;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.BufferedHandler;
import io.connlistener.buffer.ConnectionEvent;
import io.connlistener.loop.EventLoop;

/**
 * The seed's echo server with listener-core alone: an {@link EventLoop} for libevent's
 * {@code event_base}, a {@link ConnListener} for the {@code evconnlistener} and a
 * {@link BufferedConnection} for each {@code bufferevent}. Run it with a port as the first
 * argument (9876 by default) and talk to it with {@code nc 127.0.0.1 9876}.
 */
public final class EchoServer {

	/** The seed's {@code echo_read_cb} and {@code echo_event_cb}, plus backpressure. */
	static final BufferedHandler ECHO = new BufferedHandler() {

		@Override
		public void onRead(BufferedConnection connection) {
			// Copy all the data from the input buffer to the output buffer, without copying.
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
			if (event == ConnectionEvent.ERROR) {
				System.err.println("Error from bufferevent: " + connection.error());
			}
			connection.close();
		}

	};

	private EchoServer() {
	}

	public static void main(String[] args) {
		int port = port(args);
		if (port < 0) {
			System.out.println("Invalid port");
			System.exit(1);
		}
		EventLoop base = new EventLoop("echo-server");
		ConnListener listener;
		try {
			listener = ConnListener.bind(base, new InetSocketAddress("0.0.0.0", port), EchoServer::acceptConnection,
					EnumSet.of(ListenerOption.CLOSE_ON_FREE, ListenerOption.REUSEABLE), -1);
		}
		catch (IOException ex) {
			System.err.println("Couldn't create listener: " + ex);
			base.close();
			System.exit(1);
			return;
		}
		listener.setErrorCallback(EchoServer::acceptError);
		System.out.println("Echo server listening on " + listener.localAddress());
		while (!base.awaitTermination(Duration.ofHours(1))) {
			// event_base_dispatch: run until accept_error_cb exits the loop.
		}
		listener.close();
	}

	static void acceptConnection(ConnListener listener, SocketChannel channel, SocketAddress address) {
		// We got a new connection! Set up a buffered connection for it on the same loop.
		BufferedConnection connection = BufferedConnection.open(listener.loop(), channel, ECHO,
				BufferedConnectionSettings.DEFAULTS);
		connection.onClose(listener::connectionClosed);
	}

	private static void acceptError(ConnListener listener, IOException error) {
		System.err.println("Got an error (" + error.getMessage() + ") on the listener. Shutting down.");
		listener.loop().close();
	}

	/**
	 * Return the port to listen on: the first argument, 9876 without one.
	 * @param args the program's arguments
	 * @return the port, or -1 if the argument is not a port
	 */
	static int port(String[] args) {
		if (args.length == 0) {
			return 9876;
		}
		try {
			int port = Integer.parseInt(args[0].trim());
			return (port > 0 && port <= 65535) ? port : -1;
		}
		catch (NumberFormatException ex) {
			return -1;
		}
	}

}
