package io.connlistener;

import java.io.IOException;

/**
 * Told when accepting fails for want of a resource (file descriptors, buffers) or for a
 * reason the listener does not know: libevent's {@code evconnlistener_errorcb}. Runs on the
 * listener's loop thread, once per failed accept; accepting is already paused for the
 * current backoff when it runs. Failures of a single connection (the peer reset it before
 * it was accepted) are retried at once and do not call it.
 */
@FunctionalInterface
public interface AcceptErrorCallback {

	/**
	 * Handle an accept failure.
	 * @param listener the listener whose accept failed
	 * @param error what the accept threw; {@link AcceptErrorReason#of} classifies it
	 */
	void onError(ConnListener listener, IOException error);

}
