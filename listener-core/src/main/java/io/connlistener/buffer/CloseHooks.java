package io.connlistener.buffer;

import java.lang.System.Logger.Level;
import java.net.SocketAddress;
import java.util.ArrayList;
import java.util.List;

import io.connlistener.loop.EventLoop;

/**
 * The hooks to run once when a {@link BufferedConnection} is freed.
 * <p>
 * Thread-safe: hooks may be added from any thread while the loop runs them.
 */
final class CloseHooks {

	private static final System.Logger logger = System.getLogger(BufferedConnection.class.getName());

	private final SocketAddress remoteAddress;

	private List<Runnable> hooks;

	private boolean ran;

	/**
	 * Create the hooks of a connection.
	 * @param remoteAddress the connection's peer, for the log
	 */
	CloseHooks(SocketAddress remoteAddress) {
		this.remoteAddress = remoteAddress;
	}

	/**
	 * Add a hook, or run it on the loop thread at once if the hooks have run already (on
	 * this thread if the loop refuses tasks).
	 * @param hook the hook
	 * @param loop the connection's loop
	 */
	void add(Runnable hook, EventLoop loop) {
		if (tryAdd(hook)) {
			return;
		}
		if (!loop.runInLoop(() -> run(hook))) {
			run(hook);
		}
	}

	/**
	 * Run the hooks, once: later calls, and hooks added later, run none of these.
	 */
	void runAll() {
		for (Runnable hook : takeAll()) {
			run(hook);
		}
	}

	private synchronized boolean tryAdd(Runnable hook) {
		if (this.ran) {
			return false;
		}
		if (this.hooks == null) {
			this.hooks = new ArrayList<>(2);
		}
		this.hooks.add(hook);
		return true;
	}

	private synchronized List<Runnable> takeAll() {
		this.ran = true;
		List<Runnable> hooks = (this.hooks != null) ? this.hooks : List.of();
		this.hooks = null;
		return hooks;
	}

	private void run(Runnable hook) {
		try {
			hook.run();
		}
		catch (Throwable ex) {
			logger.log(Level.WARNING, "Close hook " + hook + " of the connection from " + this.remoteAddress + " failed",
					ex);
		}
	}

}
