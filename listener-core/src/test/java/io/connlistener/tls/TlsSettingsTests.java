package io.connlistener.tls;

import java.time.Duration;
import java.util.List;

import javax.net.ssl.SSLContext;

import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link TlsSettings} and {@link TlsServerContext}: the defaults every limit has
 * without configuration, and the values refused.
 */
class TlsSettingsTests {

	private static final TlsContexts CONTEXTS = TlsContexts.of(TlsServerContext.of(defaultContext()));

	@Test
	void defaultsAreOnWithoutConfiguration() {
		TlsSettings settings = TlsSettings.builder(CONTEXTS).build();
		assertThat(settings.clientAuth()).isEqualTo(ClientAuth.NONE);
		assertThat(settings.handshakeTimeout()).isEqualTo(Duration.ofSeconds(10));
		assertThat(settings.clientHelloMaxSize()).isEqualTo(16384);
		assertThat(settings.applicationProtocols()).isEmpty();
		assertThat(settings.taskExecutor()).isSameAs(TlsTaskExecutor.shared());
		assertThat(settings.observer()).isSameAs(TlsHandshakeObserver.NONE);
	}

	@Test
	void contextWithoutProtocolsEnablesTls13AndTls12Only() {
		assertThat(TlsServerContext.of(defaultContext()).effectiveProtocols()).containsExactly("TLSv1.3", "TLSv1.2");
	}

	@Test
	void contextWithProtocolsEnablesThoseOnly() {
		TlsServerContext context = new TlsServerContext(defaultContext(), List.of("TLSv1.3"), List.of());
		assertThat(context.effectiveProtocols()).containsExactly("TLSv1.3");
	}

	@Test
	void handshakeTimeoutMustBePositive() {
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TlsSettings.builder(CONTEXTS).handshakeTimeout(Duration.ZERO))
			.withMessage("'timeout' must be positive, not PT0S");
	}

	@Test
	void clientHelloMaxSizeMustBeBetween512And65536() {
		assertThatIllegalArgumentException().isThrownBy(() -> TlsSettings.builder(CONTEXTS).clientHelloMaxSize(511))
			.withMessage("'clientHelloMaxSize' must be between 512 and 65536 bytes, not 511");
		assertThatIllegalArgumentException()
			.isThrownBy(() -> TlsSettings.builder(CONTEXTS).clientHelloMaxSize(65537));
		assertThat(TlsSettings.builder(CONTEXTS).clientHelloMaxSize(512).build().clientHelloMaxSize()).isEqualTo(512);
	}

	@Test
	void emptyApplicationProtocolIsRefused() {
		assertThatIllegalArgumentException().isThrownBy(() -> TlsSettings.builder(CONTEXTS).applicationProtocols(""))
			.withMessage("An application protocol must not be null or empty");
	}

	private static SSLContext defaultContext() {
		try {
			return SSLContext.getDefault();
		}
		catch (Exception ex) {
			throw new IllegalStateException(ex);
		}
	}

}
