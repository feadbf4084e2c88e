package io.connlistener.tls;

import java.time.Duration;
import java.util.Arrays;
import java.util.List;
import java.util.Objects;
import java.util.concurrent.Executor;

import io.connlistener.RejectionReason;

/**
 * How a listener runs TLS on the connections it accepts: where it gets its contexts, whether
 * it asks for client certificates, which application protocols it offers, and the limits of
 * the handshake. Immutable; created with {@link #builder(TlsContexts)}.
 * <p>
 * The handshake runs on the listener's loop after the PROXY header, admission and deferred
 * accept, before the callback sees the connection. The listener reads the ClientHello itself
 * first, with {@link #clientHelloMaxSize()} checked against the lengths the client claims
 * before anything is allocated, takes the SNI host name from it to
 * {@linkplain TlsContexts#select(String) select} the context, and only then creates the
 * engine. The engine's delegated tasks run on {@link #taskExecutor()}, never on the loop. A
 * connection that does not complete its handshake in time, fails it, sends something that is
 * not TLS, or sends a ClientHello over the cap is closed and counted with a
 * {@link RejectionReason}: {@code tls-handshake-timeout}, {@code tls-handshake-failed} or
 * {@code tls-client-hello-too-large}.
 */
public final class TlsSettings {

	/** Default time a connection may take from accept to the end of its handshake. */
	public static final Duration DEFAULT_HANDSHAKE_TIMEOUT = Duration.ofSeconds(10);

	/** Default most bytes of ClientHello accepted. */
	public static final int DEFAULT_CLIENT_HELLO_MAX_SIZE = 16384;

	/** The least {@link Builder#clientHelloMaxSize(int)} takes: a ClientHello with a few extensions. */
	public static final int MIN_CLIENT_HELLO_MAX_SIZE = 512;

	/** The most {@link Builder#clientHelloMaxSize(int)} takes. */
	public static final int MAX_CLIENT_HELLO_MAX_SIZE = 65536;

	private final TlsContexts contexts;

	private final ClientAuth clientAuth;

	private final Duration handshakeTimeout;

	private final int clientHelloMaxSize;

	private final List<String> applicationProtocols;

	private final Executor taskExecutor;

	private final TlsHandshakeObserver observer;

	private TlsSettings(Builder builder) {
		this.contexts = builder.contexts;
		this.clientAuth = builder.clientAuth;
		this.handshakeTimeout = builder.handshakeTimeout;
		this.clientHelloMaxSize = builder.clientHelloMaxSize;
		this.applicationProtocols = builder.applicationProtocols;
		this.taskExecutor = (builder.taskExecutor != null) ? builder.taskExecutor : TlsTaskExecutor.shared();
		this.observer = builder.observer;
	}

	/**
	 * Start settings that take each handshake's context from the given contexts.
	 * @param contexts chooses the context of each handshake
	 * @return a builder with the defaults
	 */
	public static Builder builder(TlsContexts contexts) {
		return new Builder(contexts);
	}

	/**
	 * Return where each handshake's context comes from.
	 * @return the contexts
	 */
	public TlsContexts contexts() {
		return this.contexts;
	}

	/**
	 * Return whether clients are asked for a certificate ({@link ClientAuth#NONE} by
	 * default).
	 * @return the client authentication
	 */
	public ClientAuth clientAuth() {
		return this.clientAuth;
	}

	/**
	 * Return how long a connection may take to send its ClientHello and complete its
	 * handshake, from the start of the handshake stage (10 s by default).
	 * @return the handshake timeout
	 */
	public Duration handshakeTimeout() {
		return this.handshakeTimeout;
	}

	/**
	 * Return the most bytes of ClientHello accepted, records' headers included (16384 by
	 * default): a client that claims or sends more is closed.
	 * @return the cap in bytes
	 */
	public int clientHelloMaxSize() {
		return this.clientHelloMaxSize;
	}

	/**
	 * Return the application protocols offered with ALPN, in order of preference: empty (the
	 * default) for no ALPN; when set, a client whose list has none of them fails the
	 * handshake, and a client that sends no list goes on without one.
	 * @return the protocols, unmodifiable
	 */
	public List<String> applicationProtocols() {
		return this.applicationProtocols;
	}

	/**
	 * Return where the engine's delegated tasks (certificate checks, key exchange) run, off
	 * the loop: by default a small pool of daemon threads shared by every listener of the
	 * process.
	 * @return the executor
	 */
	public Executor taskExecutor() {
		return this.taskExecutor;
	}

	/**
	 * Return what is told of every handshake that ends (nothing by default).
	 * @return the observer
	 */
	public TlsHandshakeObserver observer() {
		return this.observer;
	}

	@Override
	public String toString() {
		return "TlsSettings[clientAuth=" + this.clientAuth + ", handshakeTimeout=" + this.handshakeTimeout
				+ ", clientHelloMaxSize=" + this.clientHelloMaxSize + ", applicationProtocols="
				+ this.applicationProtocols + "]";
	}

	/**
	 * Builds {@link TlsSettings}; not thread-safe.
	 */
	public static final class Builder {

		private final TlsContexts contexts;

		private ClientAuth clientAuth = ClientAuth.NONE;

		private Duration handshakeTimeout = DEFAULT_HANDSHAKE_TIMEOUT;

		private int clientHelloMaxSize = DEFAULT_CLIENT_HELLO_MAX_SIZE;

		private List<String> applicationProtocols = List.of();

		private Executor taskExecutor;

		private TlsHandshakeObserver observer = TlsHandshakeObserver.NONE;

		private Builder(TlsContexts contexts) {
			this.contexts = Objects.requireNonNull(contexts, "'contexts' must not be null");
		}

		/**
		 * Set whether clients are asked for a certificate.
		 * @param clientAuth the client authentication
		 * @return this builder
		 */
		public Builder clientAuth(ClientAuth clientAuth) {
			this.clientAuth = Objects.requireNonNull(clientAuth, "'clientAuth' must not be null");
			return this;
		}

		/**
		 * Set how long a connection may take to send its ClientHello and complete its
		 * handshake.
		 * @param timeout a positive duration
		 * @return this builder
		 */
		public Builder handshakeTimeout(Duration timeout) {
			Objects.requireNonNull(timeout, "'timeout' must not be null");
			if (timeout.isNegative() || timeout.isZero()) {
				throw new IllegalArgumentException("'timeout' must be positive, not " + timeout);
			}
			this.handshakeTimeout = timeout;
			return this;
		}

		/**
		 * Set the most bytes of ClientHello accepted, records' headers included.
		 * @param maxSize at least {@value TlsSettings#MIN_CLIENT_HELLO_MAX_SIZE} bytes (a
		 * ClientHello with a few extensions) and at most
		 * {@value TlsSettings#MAX_CLIENT_HELLO_MAX_SIZE}
		 * @return this builder
		 */
		public Builder clientHelloMaxSize(int maxSize) {
			if (maxSize < MIN_CLIENT_HELLO_MAX_SIZE || maxSize > MAX_CLIENT_HELLO_MAX_SIZE) {
				throw new IllegalArgumentException("'clientHelloMaxSize' must be between " + MIN_CLIENT_HELLO_MAX_SIZE
						+ " and " + MAX_CLIENT_HELLO_MAX_SIZE + " bytes, not " + maxSize);
			}
			this.clientHelloMaxSize = maxSize;
			return this;
		}

		/**
		 * Set the application protocols offered with ALPN, in order of preference.
		 * @param protocols the protocols, such as {@code h2}; none for no ALPN
		 * @return this builder
		 */
		public Builder applicationProtocols(String... protocols) {
			return applicationProtocols(Arrays.asList(protocols));
		}

		/**
		 * Set the application protocols offered with ALPN, in order of preference.
		 * @param protocols the protocols; empty for no ALPN
		 * @return this builder
		 */
		public Builder applicationProtocols(List<String> protocols) {
			Objects.requireNonNull(protocols, "'protocols' must not be null");
			for (String protocol : protocols) {
				if (protocol == null || protocol.isEmpty()) {
					throw new IllegalArgumentException("An application protocol must not be null or empty");
				}
			}
			this.applicationProtocols = List.copyOf(protocols);
			return this;
		}

		/**
		 * Set where the engine's delegated tasks run.
		 * @param executor the executor; it must not run tasks on the listener's loop thread
		 * @return this builder
		 */
		public Builder taskExecutor(Executor executor) {
			this.taskExecutor = Objects.requireNonNull(executor, "'executor' must not be null");
			return this;
		}

		/**
		 * Set what is told of every handshake that ends.
		 * @param observer the observer, called on the loop thread
		 * @return this builder
		 */
		public Builder observer(TlsHandshakeObserver observer) {
			this.observer = Objects.requireNonNull(observer, "'observer' must not be null");
			return this;
		}

		/**
		 * Build the settings.
		 * @return the settings
		 */
		public TlsSettings build() {
			return new TlsSettings(this);
		}

	}

}
