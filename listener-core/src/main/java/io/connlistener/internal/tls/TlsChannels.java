package io.connlistener.internal.tls;

import java.util.Objects;
import java.util.function.Function;

import io.connlistener.tls.TlsChannel;

/**
 * Makes the {@link TlsChannel} of a connection whose handshake is done. The channel's
 * constructor is not public, so that only the listener makes channels: the channel's class
 * hands its constructor over here when it is initialized, as the JDK's own shared secrets
 * do.
 * <p>
 * Thread-safe.
 */
public final class TlsChannels {

	private static volatile Function<TlsConnection, TlsChannel> factory;

	private TlsChannels() {
	}

	/**
	 * Take the channel's constructor. Called once, by {@link TlsChannel}'s initializer.
	 * @param constructor makes a channel over a connection
	 */
	public static void constructor(Function<TlsConnection, TlsChannel> constructor) {
		if (factory != null) {
			throw new IllegalStateException("The TlsChannel constructor is already set");
		}
		factory = Objects.requireNonNull(constructor, "'constructor' must not be null");
	}

	/**
	 * Make the channel of a connection.
	 * @param connection the connection, its handshake done
	 * @return the channel
	 */
	public static TlsChannel create(TlsConnection connection) {
		Function<TlsConnection, TlsChannel> constructor = factory;
		if (constructor == null) {
			initialize();
			constructor = factory;
		}
		return constructor.apply(connection);
	}

	private static void initialize() {
		try {
			Class.forName(TlsChannel.class.getName(), true, TlsChannel.class.getClassLoader());
		}
		catch (ClassNotFoundException ex) {
			throw new IllegalStateException(ex);
		}
	}

}
