package io.connlistener.boot.autoconfigure;

import java.beans.PropertyDescriptor;
import java.util.ArrayList;
import java.util.Collection;
import java.util.List;
import java.util.Locale;
import java.util.Map;
import java.util.concurrent.atomic.AtomicReference;

import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.boot.testsupport.EchoGreeterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.beans.BeanUtils;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.context.properties.bind.BindException;
import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.UnboundConfigurationPropertiesException;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.core.env.MapPropertySource;
import org.springframework.core.env.StandardEnvironment;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatExceptionOfType;

/**
 * Tests for {@link EmptyValueBindHandler}: an empty value under {@code conn-listener} is a
 * value that is not set, in a real context. What a user is told of a listener left without
 * a port that way is in {@code ConnListenerFailureAnalysisTests}.
 */
@Timeout(60)
class EmptyValueBindHandlerTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(EchoGreeterConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.listeners.echo.port=0");

	@Test
	void everyEmptyListenerValueIsNotSet() {
		List<String> empty = new ArrayList<>();
		for (String key : scalarKeys(ConnListenerProperties.Listener.class, "")) {
			if (!key.equals("port")) {
				empty.add("conn-listener.listeners.echo." + key + "=");
			}
		}
		assertThat(empty).contains("conn-listener.listeners.echo.address=",
				"conn-listener.listeners.echo.admission.accept-rate=", "conn-listener.listeners.echo.inherited=",
				"conn-listener.listeners.echo.path=");
		ApplicationContextRunner runner = this.contextRunner.withPropertyValues("conn-listener.defaults.address=127.0.0.1");
		assertThat(definition(runner.withPropertyValues(empty.toArray(String[]::new)))).isEqualTo(definition(runner));
	}

	@Test
	void everyEmptyDefaultValueIsNotSet() {
		List<String> empty = new ArrayList<>();
		for (String key : scalarKeys(ConnListenerProperties.Defaults.class, "")) {
			empty.add("conn-listener.defaults." + key + "=");
		}
		assertThat(empty).contains("conn-listener.defaults.backlog=", "conn-listener.defaults.idle-timeout=");
		ApplicationContextRunner runner = this.contextRunner
			.withPropertyValues("conn-listener.listeners.echo.address=127.0.0.1");
		assertThat(definition(runner.withPropertyValues(empty.toArray(String[]::new)))).isEqualTo(definition(runner));
	}

	@Test
	void emptyListIsAnEmptyListThatReplacesTheDefaultOne() {
		this.contextRunner
			.withPropertyValues("conn-listener.listeners.echo.address=127.0.0.1", "conn-listener.listeners.echo.options=",
					"conn-listener.defaults.admission.rules=allow 127.0.0.0/8", "conn-listener.listeners.echo.admission.rules=",
					"conn-listener.listeners.echo.trusted-proxies=")
			.run((context) -> {
				ListenerDefinition echo = context.getBean(ConnListenerRegistry.class).get("echo").definition();
				assertThat(echo.options()).isEmpty();
				assertThat(echo.admission().rules()).isEmpty();
				assertThat(echo.proxyProtocol().trustedProxies()).isEmpty();
			});
	}

	@Test
	void emptyTopLevelValuesAreNotSet() {
		this.contextRunner
			.withPropertyValues("conn-listener.listeners.echo.address=127.0.0.1", "conn-listener.io-threads=",
					"conn-listener.dedicated-acceptor-loop=")
			.run((context) -> {
				assertThat(context).hasNotFailed()
					.doesNotHaveBean(ConnListenerAutoConfiguration.ACCEPTOR_LOOP_BEAN_NAME);
				assertThat(context.getBean(ConnListenerProperties.class).getIoThreads())
					.isEqualTo(ConnListenerProperties.defaultIoThreads());
			});
	}

	@Test
	void emptyValueUnderAnotherPrefixIsLeftAsBootBindsIt() {
		// The handler wraps the binding of every @ConfigurationProperties bean, as here.
		StandardEnvironment environment = new StandardEnvironment();
		environment.getPropertySources().addFirst(new MapPropertySource("test", Map.of("other.port", "")));
		BindHandler strict = new EmptyValueBindHandler(new NoUnboundElementsBindHandler(BindHandler.DEFAULT), environment);
		assertThatExceptionOfType(BindException.class)
			.isThrownBy(() -> Binder.get(environment).bind("other", Bindable.of(OtherProperties.class), strict))
			.havingCause()
			.isInstanceOf(UnboundConfigurationPropertiesException.class)
			.withMessageContaining("other.port");
	}

	@Test
	void emptyEnabledFlagTurnsListenersOffAsBootReadsItsOwnFlags() {
		this.contextRunner.withPropertyValues("conn-listener.enabled=")
			.run((context) -> assertThat(context).hasNotFailed().doesNotHaveBean(ConnListenerRegistry.class));
	}

	private static ListenerDefinition definition(ApplicationContextRunner runner) {
		AtomicReference<ListenerDefinition> definition = new AtomicReference<>();
		runner.run((context) -> {
			assertThat(context).hasNotFailed();
			definition.set(context.getBean(ConnListenerRegistry.class).get("echo").definition());
		});
		return definition.get();
	}

	/**
	 * Return the kebab-case keys of every property of a properties class that holds one
	 * value, with those of its groups (admission, buffered, ...) by their dotted names.
	 */
	private static List<String> scalarKeys(Class<?> type, String prefix) {
		List<String> keys = new ArrayList<>();
		for (PropertyDescriptor property : BeanUtils.getPropertyDescriptors(type)) {
			Class<?> propertyType = property.getPropertyType();
			if (property.getReadMethod() == null || propertyType == Class.class
					|| Collection.class.isAssignableFrom(propertyType)) {
				continue;
			}
			String key = prefix + property.getName().replaceAll("([A-Z])", "-$1").toLowerCase(Locale.ROOT);
			if (propertyType.getPackage() == ConnListenerProperties.class.getPackage()) {
				keys.addAll(scalarKeys(propertyType, key + "."));
			}
			else if (property.getWriteMethod() != null) {
				keys.add(key);
			}
		}
		return keys;
	}

	/**
	 * Properties of another prefix. Not annotated: the configuration processor would write
	 * metadata for it that hides the starter's from the metadata tests.
	 */
	public static class OtherProperties {

		private Integer port;

		public Integer getPort() {
			return this.port;
		}

		public void setPort(Integer port) {
			this.port = port;
		}

	}

}
