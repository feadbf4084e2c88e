package io.connlistener.internal.accept;

import java.io.IOException;
import java.lang.System.Logger.Level;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.time.Duration;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.RejectedExecutionException;
import java.util.function.Supplier;
import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLParameters;

import io.connlistener.ConnListener;
import io.connlistener.RejectionReason;
import io.connlistener.internal.FailsafeLogger;
import io.connlistener.internal.tls.ClientHelloReader;
import io.connlistener.internal.tls.TlsChannels;
import io.connlistener.internal.tls.TlsConnection;
import io.connlistener.internal.tls.TlsConnection.HandshakeStep;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.IoHandler;
import io.connlistener.loop.ScheduledTask;
import io.connlistener.tls.TlsHandshake;
import io.connlistener.tls.TlsHandshakeOutcome;
import io.connlistener.tls.TlsServerContext;
import io.connlistener.tls.TlsSettings;

/**
 * The stage that runs each connection's TLS handshake on the listener's loop, for a TLS
 * listener: reads the ClientHello with its lengths checked against the cap, chooses the
 * context from its SNI host name, then drives the {@link SSLEngine}, with its delegated tasks
 * run off the loop while the connection is not read. One timer bounds the whole stage. A
 * connection that completes its handshake goes on with its {@code TlsChannel}; any other is
 * closed with a {@code tls-*} rejection before a callback sees it.
 */
public final class TlsHandshakeStage implements AcceptStage {

	private static final FailsafeLogger logger = FailsafeLogger.of(ConnListener.class);

	static {
		EventLoop.preload(Handshake.class, ClientHelloReader.class, ClientHelloReader.Status.class,
				TlsConnection.class, HandshakeStep.class, TlsChannels.class, TlsHandshake.class,
				TlsHandshakeOutcome.class, ContextParameters.class);
	}

	private final TlsSettings settings;

	private final Supplier<String> listenerDescription;

	private boolean observerFailed;

	/**
	 * The parameters of the context last chosen: one context per listener, or one per SNI
	 * name; read and replaced by the loops of the listener's sockets, each value complete.
	 */
	private volatile ContextParameters lastParameters;

	/**
	 * Create the stage.
	 * @param settings the contexts, the limits and the observer
	 * @param listenerDescription describes the listener for log messages
	 */
	public TlsHandshakeStage(TlsSettings settings, Supplier<String> listenerDescription) {
		this.settings = settings;
		this.listenerDescription = listenerDescription;
	}

	@Override
	public void process(PendingConnection connection) {
		if (!connection.nonBlocking()) {
			return;
		}
		new Handshake(connection).start();
	}

	private SSLEngine createEngine(TlsServerContext context) {
		SSLEngine engine = context.context().createSSLEngine();
		engine.setUseClientMode(false);
		engine.setSSLParameters(parameters(context, engine));
		return engine;
	}

	/**
	 * Return the engine parameters of a context, made once for the context most recently
	 * chosen rather than copied and filled in per connection ({@code setSSLParameters}
	 * copies them).
	 */
	private SSLParameters parameters(TlsServerContext context, SSLEngine engine) {
		ContextParameters last = this.lastParameters;
		if (last == null || last.context() != context) {
			last = new ContextParameters(context, parameters(context, engine.getSSLParameters()));
			this.lastParameters = last;
		}
		return last.parameters();
	}

	private SSLParameters parameters(TlsServerContext context, SSLParameters parameters) {
		parameters.setProtocols(context.effectiveProtocols().toArray(new String[0]));
		if (!context.cipherSuites().isEmpty()) {
			parameters.setCipherSuites(context.cipherSuites().toArray(new String[0]));
		}
		switch (this.settings.clientAuth()) {
			case NEED -> parameters.setNeedClientAuth(true);
			case WANT -> parameters.setWantClientAuth(true);
			default -> parameters.setNeedClientAuth(false);
		}
		List<String> protocols = this.settings.applicationProtocols();
		if (!protocols.isEmpty()) {
			parameters.setApplicationProtocols(protocols.toArray(new String[0]));
		}
		return parameters;
	}

	private void observe(TlsHandshake handshake) {
		try {
			this.settings.observer().handshakeEnded(handshake);
		}
		catch (RuntimeException ex) {
			if (!this.observerFailed) {
				this.observerFailed = true;
				logger.log(Level.WARNING, "TLS handshake observer of the listener on " + this.listenerDescription.get()
						+ " failed; its later failures are not logged", ex);
			}
		}
	}

	/**
	 * The handshake of one connection, from its first byte to its last handshake record.
	 */
	private final class Handshake implements IoHandler, PendingConnection.Parked {

		private final PendingConnection connection;

		private final long start = System.nanoTime();

		private ClientHelloReader hello;

		private TlsConnection tls;

		private SelectionKey key;

		private ScheduledTask timer;

		/** Settled: succeeded, failed or abandoned; whatever completes later does nothing. */
		private boolean ended;

		Handshake(PendingConnection connection) {
			this.connection = connection;
		}

		void start() {
			this.hello = new ClientHelloReader(TlsHandshakeStage.this.settings.clientHelloMaxSize());
			this.timer = this.connection.loop().schedule(TlsHandshakeStage.this.settings.handshakeTimeout(),
					this::timedOut);
			this.connection.park(this);
			advance();
		}

		@Override
		public void handle(SelectionKey key) {
			advance();
		}

		/**
		 * Go as far as the bytes that arrived allow, then wait for what the handshake needs.
		 */
		private void advance() {
			if (this.ended) {
				return;
			}
			try {
				if (this.tls == null && !readHello()) {
					return;
				}
				HandshakeStep step = this.tls.handshake();
				switch (step) {
					case READ -> watch(SelectionKey.OP_READ);
					case WRITE -> watch(SelectionKey.OP_WRITE);
					case TASK -> runTasks();
					case DONE -> succeeded();
				}
			}
			catch (IOException | RuntimeException ex) {
				String problem = (ex.getMessage() != null) ? ex.getMessage() : ex.getClass().getName();
				failed(RejectionReason.TLS_HANDSHAKE_FAILED, TlsHandshakeOutcome.FAILED, problem);
			}
		}

		/**
		 * Read the ClientHello, and once whole create the engine for its host name.
		 * @return {@code true} if the engine exists now
		 */
		private boolean readHello() throws IOException {
			switch (this.hello.read(this.connection.channel())) {
				case INCOMPLETE -> {
					watch(SelectionKey.OP_READ);
					return false;
				}
				case FAILED -> {
					failed(RejectionReason.TLS_HANDSHAKE_FAILED, TlsHandshakeOutcome.FAILED, this.hello.problem());
					return false;
				}
				case TOO_LARGE -> {
					failed(RejectionReason.TLS_CLIENT_HELLO_TOO_LARGE, TlsHandshakeOutcome.CLIENT_HELLO_TOO_LARGE,
							this.hello.problem());
					return false;
				}
				default -> {
					String serverName = this.hello.serverName();
					TlsServerContext context = Objects.requireNonNull(
							TlsHandshakeStage.this.settings.contexts().select(serverName),
							() -> "The TLS contexts chose no context for " + serverName);
					SSLEngine engine = createEngine(context);
					engine.beginHandshake();
					this.tls = new TlsConnection(this.connection.channel(), engine, this.hello.received(), serverName);
					this.hello = null;
					return true;
				}
			}
		}

		private void watch(int ops) throws ClosedChannelException {
			if (this.key == null) {
				this.key = this.connection.loop().register(this.connection.channel(), ops, this);
			}
			else if (this.key.interestOps() != ops) {
				this.key.interestOps(ops);
			}
		}

		/**
		 * Run the engine's delegated tasks off the loop, not reading the connection meanwhile,
		 * and go on on the loop.
		 */
		private void runTasks() throws IOException {
			if (this.key != null) {
				watch(0);
			}
			EventLoop loop = this.connection.loop();
			try {
				TlsHandshakeStage.this.settings.taskExecutor().execute(() -> {
					Runnable task;
					while ((task = this.tls.delegatedTask()) != null) {
						task.run();
					}
					try {
						loop.execute(this::advance);
					}
					catch (RejectedExecutionException ex) {
						// The loop closed, and abandoned the connection.
					}
				});
			}
			catch (RejectedExecutionException ex) {
				failed(RejectionReason.TLS_HANDSHAKE_FAILED, TlsHandshakeOutcome.FAILED,
						"the TLS task executor refused the engine's task");
			}
		}

		private void succeeded() {
			this.ended = true;
			this.timer.cancel();
			String protocol = this.tls.info().session().getProtocol();
			observe(new TlsHandshake(elapsed(), TlsHandshakeOutcome.SUCCESS, protocol));
			this.connection.secured(TlsChannels.create(this.tls));
			if (this.key == null) {
				this.connection.proceed();
				return;
			}
			// Deregistered before the hand-over, so that the channel may be registered again
			// or made blocking: by the next selection, after which the loop runs what is handed
			// to it now (during a dispatch too).
			this.key.cancel();
			this.connection.loop().executeAfterSelect(this.connection::proceed);
		}

		private void failed(RejectionReason reason, TlsHandshakeOutcome outcome, String problem) {
			if (this.ended) {
				return;
			}
			abandon();
			if (this.tls != null) {
				this.tls.sendAlertQuietly();
			}
			observe(new TlsHandshake(elapsed(), outcome, null));
			logger.log(Level.DEBUG, () -> "Listener on " + TlsHandshakeStage.this.listenerDescription.get()
					+ " closed the connection from " + this.connection.remoteAddress() + " (" + reason.tag() + "): "
					+ problem);
			this.connection.reject(reason);
		}

		private void timedOut() {
			Duration timeout = TlsHandshakeStage.this.settings.handshakeTimeout();
			failed(RejectionReason.TLS_HANDSHAKE_TIMEOUT, TlsHandshakeOutcome.TIMEOUT,
					"no TLS handshake completed within " + timeout.toMillis() + " ms");
		}

		private Duration elapsed() {
			return Duration.ofNanos(System.nanoTime() - this.start);
		}

		@Override
		public void abandon() {
			this.ended = true;
			if (this.timer != null) {
				this.timer.cancel();
			}
			if (this.key != null) {
				this.key.cancel();
			}
		}

		@Override
		public void failed(SelectionKey key, Throwable failure) {
			failed(RejectionReason.TLS_HANDSHAKE_FAILED, TlsHandshakeOutcome.FAILED, String.valueOf(failure));
		}

		@Override
		public void loopClosed(SelectionKey key) {
			this.connection.abandon();
		}

		@Override
		public String toString() {
			return "TLS handshake of the " + this.connection;
		}

	}

	private record ContextParameters(TlsServerContext context, SSLParameters parameters) {
	}

}
