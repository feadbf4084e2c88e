package io.connlistener.boot.autoconfigure;

import java.time.Duration;
import java.util.Map;

import io.connlistener.ListenerOption;
import io.connlistener.ListenerSettings;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConnListenerProperties}.
 */
class ConnListenerPropertiesTests {

	@Test
	void defaultsMatchTheCoreDefaults() {
		ConnListenerProperties.Defaults defaults = new ConnListenerProperties().getDefaults();
		assertThat(defaults.getMaxAcceptsPerWakeup()).isEqualTo(ListenerSettings.DEFAULT_MAX_ACCEPTS_PER_WAKEUP);
		assertThat(defaults.getAcceptErrorBackoff().getInitial()).isEqualTo(ListenerSettings.DEFAULT_BACKOFF_INITIAL);
		assertThat(defaults.getAcceptErrorBackoff().getMax()).isEqualTo(ListenerSettings.DEFAULT_BACKOFF_MAX);
		assertThat(defaults.getDeferredAcceptTimeout()).isEqualTo(ListenerSettings.DEFAULT_DEFERRED_ACCEPT_TIMEOUT);
		assertThat(defaults.getBacklog()).isEqualTo(-1);
		assertThat(defaults.isEnabled()).isTrue();
	}

	@Test
	void listenerWithoutValuesTakesTheDefaults() {
		ConnListenerProperties properties = bind(Map.of("conn-listener.listeners.echo.port", "9876"));
		ConnListenerProperties.Listener echo = properties.getListeners().get("echo");
		assertThat(echo.getPort()).isEqualTo(9876);
		assertThat(echo.getAddress()).isNull();
		assertThat(echo.getOptions()).isNull();
		assertThat(echo.getAcceptErrorBackoff().getInitial()).isNull();
		assertThat(ListenerDefinitions.of(properties).get(0).settings()).isEqualTo(ListenerSettings.DEFAULTS);
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

	private ConnListenerProperties bind(Map<String, String> values) {
		Binder binder = new Binder(new MapConfigurationPropertySource(values));
		return binder.bind("conn-listener", Bindable.ofInstance(new ConnListenerProperties())).get();
	}

}
