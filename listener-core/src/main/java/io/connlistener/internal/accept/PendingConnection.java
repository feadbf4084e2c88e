package io.connlistener.internal.accept;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.SocketChannel;
import java.util.ArrayList;
import java.util.List;

import io.connlistener.AcceptedConnection;
import io.connlistener.ConnectionSetup;
import io.connlistener.RejectionReason;
import io.connlistener.loop.EventLoop;
import io.connlistener.proxy.ProxyHeader;
import io.connlistener.tls.TlsChannel;

/**
 * An accepted connection on its way through the {@link AcceptPipeline}: what the stages
 * have learnt of it so far, and the one way on ({@link #proceed()}) or out
 * ({@link #reject}, {@link #abort}). It holds a place in the listener's
 * {@link Occupancy} from accept until it is rejected, or handed over and later reported
 * closed.
 * <p>
 * Loop thread only. Settling it twice is harmless: a stage that completes after the
 * listener abandoned the connection finds it settled and does nothing.
 */
public final class PendingConnection {

	private final AcceptPipeline pipeline;

	private final SocketChannel channel;

	private final SocketAddress peerAddress;

	private final ConnectionSetup setup;

	private SocketAddress remoteAddress;

	private ProxyHeader proxyHeader;

	private TlsChannel tls;

	private List<Runnable> undo;

	private Parked parked;

	private int stage;

	private boolean settled;

	PendingConnection(AcceptPipeline pipeline, SocketChannel channel, SocketAddress peerAddress,
			ConnectionSetup setup) {
		this.pipeline = pipeline;
		this.channel = channel;
		this.peerAddress = peerAddress;
		this.remoteAddress = peerAddress;
		this.setup = setup;
	}

	public SocketChannel channel() {
		return this.channel;
	}

	/**
	 * Return the address of the other end of the socket: a proxy's, behind one.
	 */
	public SocketAddress peerAddress() {
		return this.peerAddress;
	}

	/**
	 * Return the client's address: the peer's, or the source of its PROXY header.
	 */
	public SocketAddress remoteAddress() {
		return this.remoteAddress;
	}

	public EventLoop loop() {
		return this.pipeline.loop();
	}

	/**
	 * Record the PROXY header the peer sent: from now on the client is its source.
	 */
	public void proxied(ProxyHeader header) {
		this.proxyHeader = header;
		this.remoteAddress = header.sourceOr(this.peerAddress);
	}

	/**
	 * Record the TLS channel whose handshake completed: the callback reads and writes it.
	 */
	public void secured(TlsChannel tls) {
		this.tls = tls;
	}

	/**
	 * Return what the callback is given.
	 */
	public AcceptedConnection accepted() {
		return new AcceptedConnection(this.channel, this.remoteAddress,
				(this.proxyHeader != null) ? this.peerAddress : null, this.proxyHeader, this.tls, this.setup);
	}

	/**
	 * Return what follows the connection's setup, or {@code null}.
	 */
	ConnectionSetup setup() {
		return this.setup;
	}

	/**
	 * Give back, should the connection be rejected later, what a stage took for it (a
	 * per-IP place, say). Dropped once the connection is handed over.
	 * @param action what to undo
	 */
	public void onReject(Runnable action) {
		if (this.undo == null) {
			this.undo = new ArrayList<>(2);
		}
		this.undo.add(action);
	}

	/**
	 * Wait in this stage, counted among the listener's pending connections, until the stage
	 * proceeds or rejects; a listener closed meanwhile (not gracefully) abandons it.
	 * @param waiting what the stage waits with
	 */
	public void park(Parked waiting) {
		this.parked = waiting;
		this.pipeline.parked(this);
	}

	/**
	 * Pass the connection to the next stage.
	 */
	public void proceed() {
		if (!this.settled) {
			unpark();
			this.pipeline.process(this, this.stage++);
		}
	}

	/**
	 * End the connection: count the reason, give back what it holds, close it.
	 * @param reason why
	 */
	public void reject(RejectionReason reason) {
		if (settle()) {
			this.pipeline.rejected(this, reason);
		}
	}

	/**
	 * Make the channel non-blocking, for a stage that waits for its bytes on the loop; if
	 * that fails, {@link #abort(IOException) abort}.
	 * @return {@code true} if the channel is non-blocking, {@code false} if aborted
	 */
	public boolean nonBlocking() {
		try {
			this.channel.configureBlocking(false);
			return true;
		}
		catch (IOException ex) {
			abort(ex);
			return false;
		}
	}

	/**
	 * End the connection because its socket failed before it could be served, counted as an
	 * aborted accept.
	 * @param failure what failed
	 */
	public void abort(IOException failure) {
		if (settle()) {
			this.pipeline.aborted(this, failure);
		}
	}

	/**
	 * End the connection without counting it: its listener or loop closed under it.
	 */
	void abandon() {
		Parked waiting = this.parked;
		if (settle()) {
			if (waiting != null) {
				waiting.abandon();
			}
			this.pipeline.abandoned(this);
		}
	}

	/**
	 * Mark the connection handed over: nothing is undone any more.
	 */
	void handedOver() {
		this.settled = true;
		this.undo = null;
	}

	void undo() {
		List<Runnable> undo = this.undo;
		this.undo = null;
		if (undo != null) {
			undo.forEach(Runnable::run);
		}
	}

	private boolean settle() {
		if (this.settled) {
			return false;
		}
		this.settled = true;
		unpark();
		return true;
	}

	private void unpark() {
		if (this.parked != null) {
			this.parked = null;
			this.pipeline.unparked(this);
		}
	}

	@Override
	public String toString() {
		return "connection from " + this.remoteAddress
				+ ((this.proxyHeader != null) ? " through proxy " + this.peerAddress : "");
	}

	/**
	 * What a stage waits with: a registration and a timer, say.
	 */
	@FunctionalInterface
	public interface Parked {

		/**
		 * Stop waiting: cancel the registration and the timer. The pipeline closes the channel.
		 */
		void abandon();

	}

}
