package io.connlistener.loop;

import java.io.IOException;
import java.nio.channels.SelectionKey;

/**
 * What an {@link EventLoop} calls when a channel registered with it is ready. Every method
 * runs on the loop thread.
 */
public interface IoHandler {

	/**
	 * Handle a ready channel.
	 * @param key the channel's key; {@link SelectionKey#readyOps()} says what is ready
	 */
	void handle(SelectionKey key);

	/**
	 * Called after {@link #handle} threw; the failure is already logged and counted. By
	 * default, closes the channel so that it cannot make the loop spin.
	 * @param key the channel's key
	 * @param failure what {@link #handle} threw
	 */
	default void failed(SelectionKey key, Throwable failure) {
		closeQuietly(key);
	}

	/**
	 * Called when the loop closes while the channel is still registered. By default, closes
	 * the channel.
	 * @param key the channel's key
	 */
	default void loopClosed(SelectionKey key) {
		closeQuietly(key);
	}

	private static void closeQuietly(SelectionKey key) {
		try {
			key.channel().close();
		}
		catch (IOException ex) {
			// Nothing more to do for a channel that is being given up.
		}
	}

}
