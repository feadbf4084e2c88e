package io.connlistener.boot.listener.sockets;

import java.io.IOException;
import java.net.InetSocketAddress;
import java.net.SocketAddress;
import java.net.UnixDomainSocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.nio.channels.SocketChannel;
import java.nio.file.attribute.PosixFilePermission;
import java.time.Duration;
import java.util.ArrayList;
import java.util.Arrays;
import java.util.EnumSet;
import java.util.List;
import java.util.Set;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.function.Consumer;

import io.connlistener.AcceptCallback;
import io.connlistener.ConnListener;
import io.connlistener.ConnListenerBuilder;
import io.connlistener.ConnectionCounts;
import io.connlistener.ListenerOption;
import io.connlistener.ListenerStats;
import io.connlistener.boot.listener.ConnListenerCustomizer;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.listener.ListenerDefinition.Deployment;
import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.boot.listener.sockets.ListenerChannels;
import io.connlistener.loop.EventLoop;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

/**
 * The sockets one {@link ManagedConnListener} accepts on: {@code acceptors} core listeners
 * bound to one port with {@code SO_REUSEPORT}, each on its own loop (the first on the
 * shared acceptor loop), or the one channel it adopts. Opens them all or none, closes them
 * gracefully without waiting, binds the same address again (the port picked for port 0
 * included), and keeps the counters of closed ones, so that counters never go down. Every
 * socket, of every bind, counts its connections in the managed listener's one
 * {@link ConnectionCounts}, so that {@code max-connections} and the per-IP cap hold for
 * the listener as a whole.
 * <p>
 * Changes ({@link #prepare}, {@link #open}, {@link #closeGracefully}, {@link #abandon})
 * are made by one thread at a time, under the {@link AcceptSwitch}'s monitor or before the
 * listener runs; reads are safe from any thread.
 */
public final class Acceptors {

	private static final Log logger = LogFactory.getLog(Acceptors.class);

	private final ListenerDefinition definition;

	private final AcceptCallback callback;

	private final ConnectionCounts counts;

	private final Consumer<SocketAddress> closeObserver;

	private final Object countersMonitor = new Object();

	private volatile List<ConnListener> current = List.of();

	private volatile ConnListener last;

	private List<ConnListenerCustomizer> customizers = List.of();

	private List<EventLoop> loops = List.of();

	private List<EventLoop> ownLoops = List.of();

	private SocketAddress bindAddress;

	private ServerSocketChannel adopted;

	private Object socketFileKey;

	/** Every core listener of this run, closed ones too, whose pending connections a drain awaits. */
	private final List<ConnListener> opened = new CopyOnWriteArrayList<>();

	private final List<ListenerStats> retired = new ArrayList<>();

	private long[] retiredAccepted = new long[0];

	/**
	 * Create the acceptors of one managed listener.
	 * @param definition what to bind and how
	 * @param callback takes every connection every acceptor accepts
	 * @param counts where the acceptors count connections together
	 * @param closeObserver told of every close a handler reports to an acceptor
	 */
	public Acceptors(ListenerDefinition definition, AcceptCallback callback, ConnectionCounts counts,
			Consumer<SocketAddress> closeObserver) {
		this.definition = definition;
		this.callback = callback;
		this.counts = counts;
		this.closeObserver = closeObserver;
	}

	/**
	 * Get ready to bind for a run of the application context: loops for the acceptors
	 * beyond the first, and the channel to adopt, if any.
	 * @param loop the loop of the first acceptor
	 * @param customizers the customizers to apply to each acceptor before it binds
	 * @param channels where to find a channel to adopt instead of binding
	 */
	public void prepare(EventLoop loop, List<ConnListenerCustomizer> customizers, ListenerChannels channels) {
		retire();
		this.opened.clear();
		this.customizers = customizers;
		this.bindAddress = this.definition.address();
		this.loops = new ArrayList<>(List.of(loop));
		this.ownLoops = new ArrayList<>();
		Deployment deployment = this.definition.deployment();
		if (deployment.acceptors() > 1) {
			ReusePort.checkReusePort(this.definition);
		}
		for (int i = 1; i < deployment.acceptors(); i++) {
			EventLoop own = new EventLoop("connlistener-acceptor-" + this.definition.name() + "-" + i,
					loop.arrivalBatching());
			this.ownLoops.add(own);
			this.loops.add(own);
		}
		this.adopted = switch (deployment.source()) {
			case INHERITED -> channels.inherited(this.definition);
			case CHANNEL_BEAN -> channels.bean(this.definition);
			default -> null;
		};
	}

	/**
	 * Bind every acceptor, accepting or not; all or none.
	 * @param accepting whether the acceptors accept once bound
	 * @throws IOException if an acceptor cannot bind; those already bound are closed
	 */
	public void open(boolean accepting) throws IOException {
		List<ConnListener> opened = new ArrayList<>();
		try {
			for (int i = 0; i < this.definition.deployment().acceptors(); i++) {
				ConnListener acceptor = openAcceptor(i, accepting);
				opened.add(acceptor);
				if (i == 0 && this.bindAddress instanceof InetSocketAddress inet
						&& acceptor.localAddress() instanceof InetSocketAddress bound) {
					// The other acceptors, and binding again, take the port picked for port 0.
					this.bindAddress = new InetSocketAddress(inet.getAddress(), bound.getPort());
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			for (ConnListener acceptor : opened) {
				acceptor.closeAsync();
				closeChannel(acceptor);
			}
			throw ex;
		}
		this.opened.removeIf((acceptor) -> !acceptor.isOpen() && acceptor.pendingConnections() == 0);
		this.opened.addAll(opened);
		this.current = List.copyOf(opened);
		this.last = opened.get(0);
	}

	private ConnListener openAcceptor(int index, boolean accepting) throws IOException {
		Set<ListenerOption> options = EnumSet.noneOf(ListenerOption.class);
		options.addAll(this.definition.options());
		options.remove(ListenerOption.DISABLED);
		UnixDomainSocketAddress unix = (this.adopted == null && this.bindAddress instanceof UnixDomainSocketAddress u)
				? u : null;
		Set<PosixFilePermission> permissions = this.definition.deployment().pathPermissions();
		boolean restrict = unix != null && permissions != null;
		if (!accepting || restrict) {
			options.add(ListenerOption.DISABLED);
		}
		ConnListenerBuilder builder = ConnListener.builder(this.loops.get(index))
			.options(options)
			.backlog(this.definition.backlog())
			.settings(this.definition.settings())
			.connectionCounts(this.counts)
			.onConnectionClosed(this.closeObserver)
			.admission(this.definition.admission())
			.proxyProtocol(this.definition.proxyProtocol())
			.tls(this.definition.isSecure() ? this.definition.tls().settings() : null);
		for (ConnListenerCustomizer customizer : this.customizers) {
			customizer.customize(this.definition.name(), builder);
		}
		builder.callback(this.callback);
		if (this.adopted != null) {
			AdoptedChannels.checkAddress(this.definition, this.adopted.getLocalAddress());
			return builder.backlog(0).wrap(this.adopted);
		}
		if (unix != null) {
			UnixSocketFile.clearStale(unix);
		}
		ConnListener acceptor = builder.bind(this.bindAddress);
		if (unix != null) {
			this.socketFileKey = UnixSocketFile.fileKey(unix.getPath());
		}
		if (restrict) {
			try {
				UnixSocketFile.setPermissions(unix.getPath(), permissions);
				// Whoever connected before the permissions were set may not have been allowed to.
				closePending(acceptor);
			}
			catch (IOException | RuntimeException ex) {
				acceptor.closeAsync();
				closeChannel(acceptor);
				throw ex;
			}
			if (accepting) {
				acceptor.enable();
			}
		}
		return acceptor;
	}

	private static void closePending(ConnListener acceptor) throws IOException {
		SocketChannel pending;
		while ((pending = acceptor.channel().accept()) != null) {
			pending.close();
		}
	}

	/**
	 * Start closing every socket, serving what is queued and the PROXY headers under way
	 * rather than resetting them, and keep the counters.
	 * @return completes once every port is released
	 */
	public CompletableFuture<Void> closeGracefully() {
		List<CompletableFuture<Void>> released = new ArrayList<>();
		for (ConnListener acceptor : this.current) {
			// The channel is closed after the queue was accepted from it.
			released.add(acceptor.closeGracefullyAsync().whenComplete((done, failure) -> closeChannel(acceptor)));
		}
		retire();
		return CompletableFuture.allOf(released.toArray(CompletableFuture[]::new));
	}

	/**
	 * Close every socket of this run at once, those being closed gracefully too: for a bind
	 * that failed part way, and when the shutdown grace period has run out.
	 * @return completes once every port is released
	 */
	public CompletableFuture<Void> abandon() {
		List<CompletableFuture<Void>> released = new ArrayList<>();
		for (ConnListener acceptor : this.opened) {
			released.add(acceptor.closeAsync());
			closeChannel(acceptor);
		}
		retire();
		return CompletableFuture.allOf(released.toArray(CompletableFuture[]::new));
	}

	/**
	 * Close the loops of the acceptors beyond the first, waiting at most the given time for
	 * their threads, which a handler that never returns may hold.
	 * @param timeout how long to wait for all the loops together
	 * @return whether every loop ended
	 */
	public boolean closeLoops(Duration timeout) {
		List<EventLoop> own = this.ownLoops;
		this.ownLoops = List.of();
		boolean ended = true;
		long deadline = System.nanoTime() + timeout.toNanos();
		for (EventLoop loop : own) {
			ended &= loop.close(Duration.ofNanos(Math.max(0, deadline - System.nanoTime())));
		}
		return ended;
	}

	private void closeChannel(ConnListener listener) {
		if (this.adopted != null && !this.definition.options().contains(ListenerOption.CLOSE_ON_FREE)) {
			// Not ours: the application (or systemd) keeps it, as libevent without CLOSE_ON_FREE.
			return;
		}
		try {
			// A channel the starter bound is closed whatever the options say.
			listener.channel().close();
		}
		catch (IOException ex) {
			logger.debug("Could not release " + ListenerDefinition.describe(listener.localAddress()), ex);
		}
		if (this.adopted == null && listener.localAddress() instanceof UnixDomainSocketAddress unix) {
			UnixSocketFile.deleteIfSame(unix.getPath(), this.socketFileKey);
		}
	}

	/**
	 * Move the counters of the current acceptors to the retired ones.
	 */
	private void retire() {
		synchronized (this.countersMonitor) {
			List<ConnListener> current = this.current;
			if (current.isEmpty()) {
				return;
			}
			if (this.retiredAccepted.length < current.size()) {
				this.retiredAccepted = Arrays.copyOf(this.retiredAccepted, current.size());
			}
			for (int i = 0; i < current.size(); i++) {
				this.retired.add(current.get(i).stats());
				this.retiredAccepted[i] += current.get(i).stats().accepted();
			}
			// Counters of closed sockets change no more once their connections are closed: add them up.
			List<ListenerStats> settled = this.retired.stream()
				.filter((stats) -> stats.activeConnections() == 0)
				.toList();
			if (settled.size() > 1) {
				this.retired.removeAll(settled);
				this.retired.add(0, ListenerStats.sum(settled));
			}
			this.current = List.of();
		}
	}

	/**
	 * Return the open acceptors, in order; empty while released.
	 * @return the open acceptors
	 */
	public List<ConnListener> current() {
		return this.current;
	}

	/**
	 * Return the first acceptor of the last bind, open or closed, or {@code null}.
	 * @return the first acceptor of the last bind, or {@code null}
	 */
	public ConnListener last() {
		return this.last;
	}

	public boolean isOpen() {
		return !this.current.isEmpty();
	}

	public SocketAddress bindAddress() {
		return this.bindAddress;
	}

	/**
	 * Return a future completed once every socket of this run is closed and every connection
	 * it began on (PROXY header reads, deferred accepts) has reached its handler or closed.
	 * @return a future completed once this run has settled
	 */
	public CompletableFuture<Void> whenSettled() {
		return CompletableFuture.allOf(this.opened.stream().map(ConnListener::whenSettled).toArray(CompletableFuture[]::new));
	}

	public ListenerStats stats() {
		synchronized (this.countersMonitor) {
			List<ConnListener> current = this.current;
			if (current.size() == 1 && this.retired.isEmpty()) {
				return current.get(0).stats();
			}
			if (current.isEmpty() && this.retired.isEmpty()) {
				return null;
			}
			List<ListenerStats> all = new ArrayList<>(this.retired);
			current.forEach((acceptor) -> all.add(acceptor.stats()));
			return ListenerStats.sum(all);
		}
	}

	public long accepted(int acceptor) {
		synchronized (this.countersMonitor) {
			List<ConnListener> current = this.current;
			long retired = (acceptor < this.retiredAccepted.length) ? this.retiredAccepted[acceptor] : 0;
			return retired + ((acceptor < current.size()) ? current.get(acceptor).stats().accepted() : 0);
		}
	}

	public String failure() {
		List<ConnListener> current = this.current;
		for (int i = 0; i < current.size(); i++) {
			String failure = current.get(i).failure();
			if (failure != null) {
				return (current.size() > 1) ? "acceptor " + i + ": " + failure : failure;
			}
		}
		return null;
	}

}
