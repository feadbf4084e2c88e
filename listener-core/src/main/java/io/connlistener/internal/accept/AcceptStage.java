package io.connlistener.internal.accept;

/**
 * One step of a listener's accept pipeline: what an accepted connection goes through, in
 * order, before its callback sees it (an IPv6-only check, the PROXY header, admission, the
 * deferred first byte, then the hand-over). A stage knows nothing of the others, and adding
 * one (a TLS handshake, say) edits none of them.
 * <p>
 * Called on the listener's loop thread. A stage either passes the connection on with
 * {@link PendingConnection#proceed()}, now or later on the same loop (after a read it waited
 * for, say, having {@linkplain PendingConnection#park parked} it meanwhile), or ends it with
 * {@link PendingConnection#reject}, which counts the reason and closes it.
 */
@FunctionalInterface
public interface AcceptStage {

	/**
	 * Take a connection.
	 * @param connection the connection, which this stage must pass on or end
	 */
	void process(PendingConnection connection);

}
