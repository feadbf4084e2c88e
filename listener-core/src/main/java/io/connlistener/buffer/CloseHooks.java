package io.connlistener.buffer;

import java.util.ArrayList;
import java.util.List;

/**
 * The hooks to run once when a {@link BufferedConnection} is freed.
 * <p>
 * Thread-safe: hooks may be added from any thread while the loop runs them.
 */
final class CloseHooks {

	private List<Runnable> hooks;

	private boolean ran;

	/**
	 * Add a hook unless the hooks have run already.
	 * @param hook the hook
	 * @return {@code false} if the hooks have run, and the caller must run this one itself
	 */
	synchronized boolean add(Runnable hook) {
		if (this.ran) {
			return false;
		}
		if (this.hooks == null) {
			this.hooks = new ArrayList<>(2);
		}
		this.hooks.add(hook);
		return true;
	}

	/**
	 * Take the hooks to run, once: later calls, and later {@link #add} calls, get none.
	 * @return the hooks, possibly empty
	 */
	synchronized List<Runnable> takeAll() {
		this.ran = true;
		List<Runnable> hooks = (this.hooks != null) ? this.hooks : List.of();
		this.hooks = null;
		return hooks;
	}

}
