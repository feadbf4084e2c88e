package io.connlistener.boot.autoconfigure;

import java.net.UnixDomainSocketAddress;
import java.time.Duration;
import java.util.Map;
import java.util.function.Function;
import java.util.stream.Collectors;

import io.connlistener.ListenerOption;
import io.connlistener.ListenerSettings;
import io.connlistener.admission.AdmissionRule;
import io.connlistener.admission.AdmissionSettings;
import io.connlistener.admission.CidrRange;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.proxy.ProxyProtocolMode;
import io.connlistener.proxy.ProxyProtocolSettings;
import io.connlistener.tls.ClientAuth;
import io.connlistener.tls.TlsSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.util.unit.DataSize;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConnListenerProperties}.
 */
class ConnListenerPropertiesTests {

	@Test
	void loopsDefaultToHalfTheProcessorsAcceptingOnThemselves() {
		ConnListenerProperties properties = new ConnListenerProperties();
		assertThat(properties.getIoThreads())
			.isEqualTo(Math.max(1, Runtime.getRuntime().availableProcessors() / 2))
			.isEqualTo(ConnListenerProperties.defaultIoThreads());
		assertThat(properties.isDedicatedAcceptorLoop()).isFalse();
	}

	@Test
	void defaultsMatchTheCoreDefaults() {
		ConnListenerProperties.Defaults defaults = new ConnListenerProperties().getDefaults();
		assertThat(defaults.getMaxAcceptsPerWakeup()).isEqualTo(ListenerSettings.DEFAULT_MAX_ACCEPTS_PER_WAKEUP);
		assertThat(defaults.getAcceptErrorBackoff().getInitial()).isEqualTo(ListenerSettings.DEFAULT_BACKOFF_INITIAL);
		assertThat(defaults.getAcceptErrorBackoff().getMax()).isEqualTo(ListenerSettings.DEFAULT_BACKOFF_MAX);
		assertThat(defaults.getDeferredAcceptTimeout()).isEqualTo(ListenerSettings.DEFAULT_DEFERRED_ACCEPT_TIMEOUT);
		assertThat(defaults.getBacklog()).isEqualTo(-1);
		assertThat(defaults.getEnabled()).isTrue();
		assertThat(defaults.getAcceptors()).isEqualTo(ListenerDefinition.Deployment.DEFAULT.acceptors());
		assertThat(defaults.getFollowReadiness()).isEqualTo(ListenerDefinition.Deployment.DEFAULT.followReadiness());
		assertThat(defaults.getUnbindOnDisable()).isEqualTo(ListenerDefinition.Deployment.DEFAULT.unbindOnDisable());
		assertThat(defaults.getDisableDelay()).isEqualTo(ListenerDefinition.Deployment.DEFAULT.disableDelay());
		assertThat(defaults.getPathPermissions()).isNull();
		assertThat(defaults.getProxyProtocol()).isEqualTo(ProxyProtocolSettings.OFF.mode());
		assertThat(defaults.getTrustedProxies()).isEmpty();
		assertThat(defaults.getProxyProtocolTimeout()).isEqualTo(ProxyProtocolSettings.DEFAULT_TIMEOUT);
		assertThat(defaults.getMaxConnectionsAction()).isEqualTo(ListenerSettings.DEFAULT_LIMIT_ACTION);
		assertThat(defaults.getMaxConnectionsResume()).isNull();
		assertThat(defaults.getSpareFileDescriptor()).isEqualTo(AdmissionSettings.DEFAULT_SPARE_FILE_DESCRIPTOR);
		assertThat(defaults.getTcpNoDelay()).isTrue();
		assertThat(defaults.getAdmission().getRules()).isEmpty();
		assertThat(defaults.getAdmission().getMaxConnectionsPerIp())
			.isEqualTo(AdmissionSettings.DEFAULT_MAX_CONNECTIONS_PER_IP);
		assertThat(defaults.getAdmission().getAcceptRate()).isEqualTo(AdmissionSettings.DEFAULT_ACCEPTS_PER_SECOND);
		assertThat(defaults.getAdmission().getAcceptBurst()).isEqualTo(AdmissionSettings.DEFAULT_ACCEPT_BURST);
		assertThat(defaults.getBuffered().getReadBufferSize().toBytes())
			.isEqualTo(BufferedConnectionSettings.DEFAULT_READ_BUFFER_SIZE);
		assertThat(defaults.getBuffered().getReadHighWatermark().toBytes())
			.isEqualTo(BufferedConnectionSettings.DEFAULT_READ_HIGH_WATERMARK);
		assertThat(defaults.getBuffered().getWriteHighWatermark().toBytes())
			.isEqualTo(BufferedConnectionSettings.DEFAULT_WRITE_HIGH_WATERMARK);
		assertThat(defaults.getBuffered().getWriteLowWatermark().toBytes())
			.isEqualTo(BufferedConnectionSettings.DEFAULT_WRITE_LOW_WATERMARK);
		assertThat(defaults.getIdleTimeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(defaults.getWriteTimeout()).isNull();
		TlsSettings tls = TlsSettings.builder((serverName) -> null).build();
		assertThat(defaults.getTls().getBundle()).isNull();
		assertThat(defaults.getTls().getServerNameBundles()).isEmpty();
		assertThat(defaults.getTls().getClientAuth()).isEqualTo(tls.clientAuth());
		assertThat(defaults.getTls().getHandshakeTimeout()).isEqualTo(tls.handshakeTimeout());
		assertThat(defaults.getTls().getClientHelloMaxSize().toBytes()).isEqualTo(tls.clientHelloMaxSize());
		assertThat(defaults.getTls().getApplicationProtocols()).isEqualTo(tls.applicationProtocols());
	}

	@Test
	void tlsKeysBindAndAListenerWithoutBundleServesNoTls() {
		ConnListenerProperties properties = bind(Map.of("conn-listener.listeners.echo.port", "9443",
				"conn-listener.listeners.echo.tls.bundle", "gateway",
				"conn-listener.listeners.echo.tls.server-name-bundles[0].server-name", "a.example.test",
				"conn-listener.listeners.echo.tls.server-name-bundles[0].bundle", "a",
				"conn-listener.listeners.echo.tls.client-auth", "need",
				"conn-listener.listeners.echo.tls.handshake-timeout", "3s",
				"conn-listener.listeners.echo.tls.client-hello-max-size", "8KB",
				"conn-listener.listeners.echo.tls.application-protocols", "h2,http/1.1",
				"conn-listener.listeners.plain.port", "9876"));
		ConnListenerProperties.Tls tls = properties.getListeners().get("echo").getTls();
		assertThat(tls.getBundle()).isEqualTo("gateway");
		assertThat(tls.getServerNameBundles()).singleElement().satisfies((mapping) -> {
			assertThat(mapping.getServerName()).isEqualTo("a.example.test");
			assertThat(mapping.getBundle()).isEqualTo("a");
		});
		assertThat(tls.getClientAuth()).isEqualTo(ClientAuth.NEED);
		assertThat(tls.getHandshakeTimeout()).isEqualTo(Duration.ofSeconds(3));
		assertThat(tls.getClientHelloMaxSize()).isEqualTo(DataSize.ofKilobytes(8));
		assertThat(tls.getApplicationProtocols()).containsExactly("h2", "http/1.1");
		ConnListenerProperties plain = bind(Map.of("conn-listener.listeners.plain.port", "9876"));
		assertThat(ListenerDefinitions.of(plain).get(0).tls()).isNull();
		assertThat(ListenerDefinitions.of(plain).get(0).isSecure()).isFalse();
	}

	@Test
	void listenerWithoutProxyProtocolValuesReadsNoHeader() {
		ConnListenerProperties properties = bind(Map.of("conn-listener.listeners.echo.port", "9876"));
		assertThat(ListenerDefinitions.of(properties).get(0).proxyProtocol()).isEqualTo(ProxyProtocolSettings.OFF);
	}

	@Test
	void proxyProtocolBindsFromLowerCaseAndListenerValuesReplaceTheDefaults() {
		ConnListenerProperties properties = bind(Map.of("conn-listener.listeners.edge.port", "9876",
				"conn-listener.defaults.proxy-protocol", "required", "conn-listener.defaults.trusted-proxies",
				"10.0.0.0/8", "conn-listener.listeners.edge.trusted-proxies", "192.168.1.0/24, ::1",
				"conn-listener.listeners.edge.proxy-protocol-timeout", "500ms"));
		ProxyProtocolSettings proxyProtocol = ListenerDefinitions.of(properties).get(0).proxyProtocol();
		assertThat(proxyProtocol.mode()).isEqualTo(ProxyProtocolMode.REQUIRED);
		assertThat(proxyProtocol.trustedProxies()).containsExactly(CidrRange.parse("192.168.1.0/24"),
				CidrRange.parse("::1"));
		assertThat(proxyProtocol.timeout()).isEqualTo(Duration.ofMillis(500));
	}

	@Test
	void listenerWithoutValuesAdmitsEveryoneAndTimesOutAfterTheDefaultIdleTimeout() {
		ConnListenerProperties properties = bind(Map.of("conn-listener.listeners.echo.port", "9876"));
		ListenerDefinition echo = ListenerDefinitions.of(properties).get(0);
		assertThat(echo.admission()).isEqualTo(AdmissionSettings.DEFAULTS);
		assertThat(echo.idleTimeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(echo.writeTimeout()).isEqualTo(Duration.ofMinutes(5));
		assertThat(echo.buffered()).isEqualTo(BufferedConnectionSettings.DEFAULTS
			.withTimeouts(null, Duration.ofMinutes(5))
			.withIdleTimeout(Duration.ofMinutes(5)));
	}

	@Test
	void admissionRulesBindAsAnOrderedListAndReplaceTheDefaultRules() {
		ConnListenerProperties properties = bind(Map.of("conn-listener.defaults.admission.rules[0]",
				"deny 10.1.0.0/16", "conn-listener.defaults.admission.rules[1]", "allow 10.0.0.0/8",
				"conn-listener.listeners.echo.port", "9876", "conn-listener.listeners.other.port", "9877",
				"conn-listener.listeners.other.admission.rules", "DENY 192.0.2.0/24"));
		Map<String, ListenerDefinition> definitions = ListenerDefinitions.of(properties)
			.stream()
			.collect(Collectors.toMap(ListenerDefinition::name, Function.identity()));
		assertThat(definitions.get("echo").admission().rules()).containsExactly(AdmissionRule.deny("10.1.0.0/16"),
				AdmissionRule.allow("10.0.0.0/8"));
		assertThat(definitions.get("other").admission().rules()).containsExactly(AdmissionRule.deny("192.0.2.0/24"));
	}

	@Test
	void listenerWithoutValuesTakesTheDefaults() {
		ConnListenerProperties properties = bind(Map.of("conn-listener.listeners.echo.port", "9876"));
		ConnListenerProperties.Listener echo = properties.getListeners().get("echo");
		assertThat(echo.getPort()).isEqualTo(9876);
		assertThat(echo.getAddress()).isNull();
		assertThat(echo.getOptions()).isNull();
		assertThat(echo.getAcceptErrorBackoff().getInitial()).isNull();
		// The one deliberate difference: core has no connection limit, a server should.
		ListenerSettings settings = ListenerDefinitions.of(properties).get(0).settings();
		assertThat(settings.maxConnections()).isEqualTo(10_000);
		assertThat(settings).usingRecursiveComparison()
			.ignoringFields("maxConnections")
			.isEqualTo(ListenerSettings.DEFAULTS);
	}

	@Test
	void optionsBindFromKebabCaseAndConstantNames() {
		ConnListenerProperties properties = bind(Map.of("conn-listener.listeners.echo.options",
				"reuseable, close-on-free, DEFERRED_ACCEPT, bind-ipv6only"));
		assertThat(properties.getListeners().get("echo").getOptions()).containsExactly(ListenerOption.REUSEABLE,
				ListenerOption.CLOSE_ON_FREE, ListenerOption.DEFERRED_ACCEPT, ListenerOption.BIND_IPV6ONLY);
	}

	@Test
	void durationsBindFromSimpleAndIsoForms() {
		ConnListenerProperties properties = bind(Map.of("conn-listener.listeners.echo.accept-error-backoff.initial",
				"10ms", "conn-listener.listeners.echo.accept-error-backoff.max", "PT2S"));
		ConnListenerProperties.Backoff backoff = properties.getListeners().get("echo").getAcceptErrorBackoff();
		assertThat(backoff.getInitial()).isEqualTo(Duration.ofMillis(10));
		assertThat(backoff.getMax()).isEqualTo(Duration.ofSeconds(2));
	}

	@Test
	void unixDomainListenerMayRequireTheHeaderWithoutTrustedProxies() {
		ConnListenerProperties properties = bind(Map.of("conn-listener.listeners.local.path", "/run/local.sock",
				"conn-listener.listeners.local.proxy-protocol", "required"));
		ProxyProtocolSettings proxyProtocol = ListenerDefinitions.of(properties).get(0).proxyProtocol();
		assertThat(proxyProtocol.isRequired()).isTrue();
		assertThat(proxyProtocol.trustedProxies()).isEmpty();
	}

	@Test
	void unixDomainListenerTakesTheDefaultsMeantForTcpListeners() {
		ConnListenerProperties properties = bind(Map.of("conn-listener.listeners.local.path", "/run/local.sock",
				"conn-listener.defaults.address", "127.0.0.1", "conn-listener.defaults.tcp-no-delay", "false",
				"conn-listener.defaults.trusted-proxies", "10.0.0.0/8", "conn-listener.defaults.admission.rules",
				"allow 10.0.0.0/8"));
		ListenerDefinition local = ListenerDefinitions.of(properties).get(0);
		assertThat(local.address()).isEqualTo(UnixDomainSocketAddress.of("/run/local.sock"));
		assertThat(local.admission().rules()).containsExactly(AdmissionRule.allow("10.0.0.0/8"));
	}

	@Test
	void unixDomainListenerBehindAProxyAdmitsByTheClientAddressesOfTheHeaders() {
		ConnListenerProperties properties = bind(Map.of("conn-listener.listeners.local.path", "/run/local.sock",
				"conn-listener.listeners.local.proxy-protocol", "required",
				"conn-listener.listeners.local.admission.rules", "allow 10.0.0.0/8",
				"conn-listener.listeners.local.admission.max-connections-per-ip", "5"));
		AdmissionSettings admission = ListenerDefinitions.of(properties).get(0).admission();
		assertThat(admission.rules()).containsExactly(AdmissionRule.allow("10.0.0.0/8"));
		assertThat(admission.maxConnectionsPerIp()).isEqualTo(5);
	}

	private ConnListenerProperties bind(Map<String, String> values) {
		Binder binder = new Binder(new MapConfigurationPropertySource(values));
		return binder.bind("conn-listener", Bindable.ofInstance(new ConnListenerProperties())).get();
	}

}
