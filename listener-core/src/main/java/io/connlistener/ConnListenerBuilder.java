package io.connlistener;

import java.io.IOException;
import java.net.SocketAddress;
import java.nio.channels.ServerSocketChannel;
import java.time.Duration;
import java.util.Collection;
import java.util.EnumSet;
import java.util.Objects;
import java.util.Set;

import io.connlistener.loop.EventLoop;

/**
 * Builds a {@link ConnListener} with settings beyond libevent's arguments. Obtained from
 * {@link ConnListener#builder(EventLoop)}; not thread-safe.
 */
public final class ConnListenerBuilder {

	private final EventLoop loop;

	private final Set<ListenerOption> options = EnumSet.noneOf(ListenerOption.class);

	private int backlog = -1;

	private AcceptCallback callback;

	private AcceptErrorCallback errorCallback;

	private int maxAcceptsPerWakeup = ListenerSettings.DEFAULT_MAX_ACCEPTS_PER_WAKEUP;

	private Duration backoffInitial = ListenerSettings.DEFAULT_BACKOFF_INITIAL;

	private Duration backoffMax = ListenerSettings.DEFAULT_BACKOFF_MAX;

	private Duration deferredAcceptTimeout = ListenerSettings.DEFAULT_DEFERRED_ACCEPT_TIMEOUT;

	private int maxConnections = ListenerSettings.DEFAULT_MAX_CONNECTIONS;

	private int resumeConnections = ListenerSettings.DEFAULT_RESUME_CONNECTIONS;

	private ListenerSettings.LimitAction limitAction = ListenerSettings.DEFAULT_LIMIT_ACTION;

	ConnListenerBuilder(EventLoop loop) {
		this.loop = Objects.requireNonNull(loop, "'loop' must not be null");
	}

	/**
	 * Set the callback that receives accepted connections.
	 * @param callback the callback; {@code null} leaves the listener disabled until one is set
	 * @return this builder
	 */
	public ConnListenerBuilder callback(AcceptCallback callback) {
		this.callback = callback;
		return this;
	}

	/**
	 * Set the callback told of accept failures.
	 * @param errorCallback the callback, or {@code null}
	 * @return this builder
	 */
	public ConnListenerBuilder errorCallback(AcceptErrorCallback errorCallback) {
		this.errorCallback = errorCallback;
		return this;
	}

	/**
	 * Add options.
	 * @param options the options
	 * @return this builder
	 */
	public ConnListenerBuilder options(ListenerOption... options) {
		return options(java.util.List.of(options));
	}

	/**
	 * Add options.
	 * @param options the options
	 * @return this builder
	 */
	public ConnListenerBuilder options(Collection<ListenerOption> options) {
		Objects.requireNonNull(options, "'options' must not be null");
		this.options.addAll(options);
		return this;
	}

	/**
	 * Set the listen queue length: negative (the default) picks the kernel's
	 * {@code somaxconn}; 0 means the channel given to {@link #wrap} already listens.
	 * @param backlog the backlog
	 * @return this builder
	 */
	public ConnListenerBuilder backlog(int backlog) {
		this.backlog = backlog;
		return this;
	}

	/**
	 * Set the most connections accepted per loop wakeup.
	 * @param maxAcceptsPerWakeup at least 1
	 * @return this builder
	 */
	public ConnListenerBuilder maxAcceptsPerWakeup(int maxAcceptsPerWakeup) {
		this.maxAcceptsPerWakeup = maxAcceptsPerWakeup;
		return this;
	}

	/**
	 * Set the pause after a resource failure of accept: the first pause, doubling with each
	 * failure in a row up to the maximum.
	 * @param initial the first pause
	 * @param max the longest pause
	 * @return this builder
	 */
	public ConnListenerBuilder acceptErrorBackoff(Duration initial, Duration max) {
		this.backoffInitial = initial;
		this.backoffMax = max;
		return this;
	}

	/**
	 * Set how long a connection accepted with {@link ListenerOption#DEFERRED_ACCEPT} may stay
	 * silent before it is closed.
	 * @param timeout the timeout
	 * @return this builder
	 */
	public ConnListenerBuilder deferredAcceptTimeout(Duration timeout) {
		this.deferredAcceptTimeout = timeout;
		return this;
	}

	/**
	 * Limit the connections open at once. At the limit the listener pauses accepting until
	 * the open connections drop to {@code resumeConnections}, or with
	 * {@link ListenerSettings.LimitAction#CLOSE} accepts and closes new connections at once.
	 * @param maxConnections the limit; 0 for none
	 * @param resumeConnections the resume level; negative for 90% of the limit
	 * @param action what to do at the limit
	 * @return this builder
	 */
	public ConnListenerBuilder maxConnections(int maxConnections, int resumeConnections,
			ListenerSettings.LimitAction action) {
		this.maxConnections = maxConnections;
		this.resumeConnections = resumeConnections;
		this.limitAction = action;
		return this;
	}

	/**
	 * Use the given settings.
	 * @param settings the settings
	 * @return this builder
	 */
	public ConnListenerBuilder settings(ListenerSettings settings) {
		this.maxAcceptsPerWakeup = settings.maxAcceptsPerWakeup();
		this.backoffInitial = settings.backoffInitial();
		this.backoffMax = settings.backoffMax();
		this.deferredAcceptTimeout = settings.deferredAcceptTimeout();
		this.maxConnections = settings.maxConnections();
		this.resumeConnections = settings.resumeConnections();
		this.limitAction = settings.limitAction();
		return this;
	}

	/**
	 * Open a channel, bind it and listen: libevent's {@code evconnlistener_new_bind}.
	 * @param address where to listen
	 * @return the listener
	 * @throws IOException if the channel cannot be opened or bound
	 */
	public ConnListener bind(SocketAddress address) throws IOException {
		Objects.requireNonNull(address, "'address' must not be null");
		return ConnListener.create(this.loop, address, this.callback, this.errorCallback, this.options, this.backlog,
				settings());
	}

	/**
	 * Listen on a bound channel: libevent's {@code evconnlistener_new}. The backlog must be 0.
	 * @param channel the channel
	 * @return the listener
	 * @throws IOException if the channel cannot be configured
	 */
	public ConnListener wrap(ServerSocketChannel channel) throws IOException {
		return ConnListener.adopt(this.loop, channel, this.callback, this.errorCallback, this.options, this.backlog,
				settings());
	}

	private ListenerSettings settings() {
		return new ListenerSettings(this.maxAcceptsPerWakeup, this.backoffInitial, this.backoffMax,
				this.deferredAcceptTimeout, this.maxConnections, this.resumeConnections, this.limitAction);
	}

}
