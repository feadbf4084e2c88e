package io.connlistener.boot.listener;

import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.concurrent.CompletableFuture;
import java.util.concurrent.CountDownLatch;
import java.util.stream.Collectors;

import io.connlistener.boot.handler.ConnectionHandlerDiscoverer;
import io.connlistener.boot.handler.ConnectionHandlerDiscoverer.DiscoveredHandler;
import io.connlistener.boot.listener.serving.HandlerAdapter;
import io.connlistener.boot.listener.serving.HandlerAdapters;
import io.connlistener.boot.listener.serving.HandlerThreads;
import io.connlistener.boot.listener.sockets.ListenerChannels;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;
import org.apache.commons.logging.Log;
import org.apache.commons.logging.LogFactory;

import org.springframework.beans.factory.ObjectProvider;
import org.springframework.context.ApplicationEventPublisher;
import org.springframework.context.SmartLifecycle;
import org.springframework.util.Assert;

/**
 * Binds every listener of a {@link ConnListenerRegistry} when the application context
 * starts, and drains them when it stops.
 * <p>
 * Starting is all or nothing: the handlers are matched to the listeners first, then the
 * listeners bind in configuration order, and if one cannot bind, those already bound are
 * closed and the start fails. Stopping releases every address at once, so that new
 * connections are refused, lets the connections being served finish within the grace
 * period ({@code spring.lifecycle.timeout-per-shutdown-phase}, less a margin to close the
 * rest), then closes and counts those still open.
 */
public final class ConnListenerLifecycle implements SmartLifecycle {

	/**
	 * The phase: late in start, early in stop, like Boot's web servers.
	 */
	public static final int PHASE = SmartLifecycle.DEFAULT_PHASE - 1024;

	private static final Log logger = LogFactory.getLog(ConnListenerLifecycle.class);

	private final ConnListenerRegistry registry;

	private final ConnectionHandlerDiscoverer handlerDiscoverer;

	private final EventLoop acceptorLoop;

	private final EventLoopGroup ioLoopGroup;

	private final ObjectProvider<ConnListenerCustomizer> customizers;

	private final ApplicationEventPublisher eventPublisher;

	private final HandlerAdapters adapters;

	private final GracefulDrain drain;

	private final ListenerChannels channels;

	private final Object monitor = new Object();

	private volatile boolean running;

	private CountDownLatch keepAlive;

	/**
	 * Create a lifecycle.
	 * @param registry the listeners
	 * @param handlerDiscoverer finds the handler of each listener
	 * @param acceptorLoop the loop that accepts connections and runs raw handlers, or
	 * {@code null} for each listener to accept on one of the I/O loops, in turn
	 * @param ioLoopGroup the loops that serve buffered connections
	 * @param customizers applied to each listener before it binds, in order
	 * @param eventPublisher publishes started and stopped events
	 * @param virtualThreads whether blocking handlers run on virtual threads
	 * @param shutdownTimeout the time a lifecycle phase may take to stop
	 * @param channels finds the channels of listeners that adopt one
	 */
	public ConnListenerLifecycle(ConnListenerRegistry registry, ConnectionHandlerDiscoverer handlerDiscoverer,
			EventLoop acceptorLoop, EventLoopGroup ioLoopGroup, ObjectProvider<ConnListenerCustomizer> customizers,
			ApplicationEventPublisher eventPublisher, boolean virtualThreads, Duration shutdownTimeout,
			ListenerChannels channels) {
		Assert.notNull(registry, "'registry' must not be null");
		Assert.notNull(handlerDiscoverer, "'handlerDiscoverer' must not be null");
		Assert.notNull(ioLoopGroup, "'ioLoopGroup' must not be null");
		Assert.notNull(customizers, "'customizers' must not be null");
		Assert.notNull(eventPublisher, "'eventPublisher' must not be null");
		Assert.notNull(shutdownTimeout, "'shutdownTimeout' must not be null");
		Assert.notNull(channels, "'channels' must not be null");
		Assert.isTrue(!virtualThreads || HandlerThreads.virtualThreadsAvailable(),
				"Virtual threads need Java 21 or later");
		this.registry = registry;
		this.handlerDiscoverer = handlerDiscoverer;
		this.acceptorLoop = acceptorLoop;
		this.ioLoopGroup = ioLoopGroup;
		this.customizers = customizers;
		this.eventPublisher = eventPublisher;
		this.adapters = new HandlerAdapters(ioLoopGroup, virtualThreads);
		this.drain = new GracefulDrain(shutdownTimeout, eventPublisher);
		this.channels = channels;
	}

	/**
	 * Return how long stopping waits for connections to finish before closing them.
	 * @return the grace period
	 */
	public Duration getGracePeriod() {
		return this.drain.gracePeriod();
	}

	@Override
	public void start() {
		synchronized (this.monitor) {
			if (this.running) {
				return;
			}
			Map<String, DiscoveredHandler> handlers = HandlerAdapters.match(this.registry,
					this.handlerDiscoverer.discover());
			List<ConnListenerCustomizer> customizers = this.customizers.orderedStream().toList();
			List<ManagedConnListener> bound = new ArrayList<>();
			try {
				List<EventLoop> ioLoops = this.ioLoopGroup.loops();
				for (ManagedConnListener listener : this.registry.all()) {
					HandlerAdapter adapter = this.adapters.adapt(listener, handlers.get(listener.name()));
					EventLoop loop = (this.acceptorLoop != null) ? this.acceptorLoop
							: ioLoops.get(bound.size() % ioLoops.size());
					listener.bind(loop, adapter, customizers, this.channels);
					bound.add(listener);
				}
			}
			catch (RuntimeException ex) {
				bound.forEach(ManagedConnListener::abort);
				throw ex;
			}
			this.running = true;
			if (!bound.isEmpty()) {
				startKeepAliveThread();
			}
			if (!bound.isEmpty() && logger.isInfoEnabled()) {
				logger.info("Conn listeners started: " + bound.stream()
					.map((listener) -> "'" + listener.name() + "' on " + listener.describeAddress()
							+ ((listener.acceptors().size() > 1) ? " (" + listener.acceptors().size() + " acceptors)" : "")
							+ (listener.isEnabled() ? "" : " (disabled)"))
					.collect(Collectors.joining(", ")));
			}
			bound.forEach((listener) -> this.eventPublisher.publishEvent(new ConnListenerStartedEvent(listener)));
		}
	}

	@Override
	public void stop() {
		CountDownLatch stopped = new CountDownLatch(1);
		stop(stopped::countDown);
		try {
			stopped.await();
		}
		catch (InterruptedException ex) {
			Thread.currentThread().interrupt();
		}
	}

	@Override
	public void stop(Runnable callback) {
		Map<ManagedConnListener, CompletableFuture<Void>> stopping = new LinkedHashMap<>();
		synchronized (this.monitor) {
			if (!this.running) {
				callback.run();
				return;
			}
			this.running = false;
			if (this.keepAlive != null) {
				this.keepAlive.countDown();
				this.keepAlive = null;
			}
			for (ManagedConnListener listener : this.registry.all()) {
				CompletableFuture<Void> released = listener.stopAccepting();
				if (released != null) {
					stopping.put(listener, released);
				}
			}
		}
		this.drain.start(stopping, callback);
	}

	/**
	 * The loops run on daemon threads, so keep the JVM alive while listeners run, as Boot's
	 * embedded web servers do, for an application with nothing else to do.
	 */
	private void startKeepAliveThread() {
		CountDownLatch keepAlive = new CountDownLatch(1);
		Thread thread = new Thread(() -> {
			try {
				keepAlive.await();
			}
			catch (InterruptedException ex) {
				Thread.currentThread().interrupt();
			}
		}, "connlistener-keep-alive");
		thread.setDaemon(false);
		thread.start();
		this.keepAlive = keepAlive;
	}

	@Override
	public boolean isRunning() {
		return this.running;
	}

	@Override
	public int getPhase() {
		return PHASE;
	}

}
