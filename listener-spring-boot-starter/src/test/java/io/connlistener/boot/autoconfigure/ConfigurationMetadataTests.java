package io.connlistener.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;
import java.util.stream.Collectors;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.boot.context.properties.bind.BindHandler;
import org.springframework.boot.context.properties.bind.Bindable;
import org.springframework.boot.context.properties.bind.Binder;
import org.springframework.boot.context.properties.bind.handler.NoUnboundElementsBindHandler;
import org.springframework.boot.context.properties.source.MapConfigurationPropertySource;
import org.springframework.boot.convert.DurationStyle;
import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the configuration metadata the starter ships: every default is described and
 * stated, as the values {@link ConnListenerProperties.Defaults} sets, and options have value
 * hints. The processor cannot look inside the listeners map (one opaque property), so
 * additional-spring-configuration-metadata.json gives each key of a listener an entry
 * {@code conn-listener.listeners.*.<key>} of its own, which these tests keep in step.
 */
class ConfigurationMetadataTests {

	private static final String DEFAULTS = "conn-listener.defaults.";

	private static final String LISTENER = "conn-listener.listeners.*.";

	@Test
	void metadataDescribesDefaultsAndHintsOptions() throws IOException {
		DocumentContext metadata = metadata();
		List<String> names = metadata.read("$.properties[*].name");
		assertThat(names).contains("conn-listener.enabled", "conn-listener.io-threads", "conn-listener.listeners",
				"conn-listener.defaults.address", "conn-listener.defaults.options",
				"conn-listener.defaults.accept-error-backoff.initial",
				"conn-listener.defaults.accept-error-backoff.max",
				"conn-listener.defaults.max-connections", "conn-listener.defaults.max-accepts-per-wakeup",
				"conn-listener.defaults.deferred-accept-timeout", "conn-listener.defaults.max-connections-action",
				"conn-listener.defaults.max-connections-resume", "conn-listener.defaults.idle-timeout",
				"conn-listener.defaults.write-timeout", "conn-listener.defaults.spare-file-descriptor",
				"conn-listener.defaults.tcp-no-delay",
				"conn-listener.defaults.admission.rules", "conn-listener.defaults.admission.max-connections-per-ip",
				"conn-listener.defaults.admission.accept-rate", "conn-listener.defaults.admission.accept-burst",
				"conn-listener.defaults.buffered.read-buffer-size", "conn-listener.defaults.buffered.read-high-watermark",
				"conn-listener.defaults.buffered.write-high-watermark",
				"conn-listener.defaults.buffered.write-low-watermark", "conn-listener.defaults.proxy-protocol",
				"conn-listener.defaults.trusted-proxies", "conn-listener.defaults.proxy-protocol-timeout",
				"conn-listener.defaults.acceptors", "conn-listener.defaults.follow-readiness",
				"conn-listener.defaults.unbind-on-disable", "conn-listener.defaults.disable-delay",
				"conn-listener.defaults.path-permissions", "conn-listener.defaults.tls.bundle",
				"conn-listener.defaults.tls.server-name-bundles", "conn-listener.defaults.tls.client-auth",
				"conn-listener.defaults.tls.handshake-timeout", "conn-listener.defaults.tls.client-hello-max-size",
				"conn-listener.defaults.tls.application-protocols");
		List<Object> undescribed = metadata.read("$.properties[?(!@.description)].name");
		assertThat(undescribed).isEmpty();
		List<Object> optionsDefault = metadata
			.read("$.properties[?(@.name == 'conn-listener.defaults.options')].defaultValue");
		assertThat(optionsDefault).containsExactly(List.of("reuseable", "close-on-free"));
		List<Object> backoffDefault = metadata
			.read("$.properties[?(@.name == 'conn-listener.defaults.accept-error-backoff.initial')].defaultValue");
		assertThat(backoffDefault).containsExactly("50ms");
		List<Object> arrivalBatchingDefault = metadata
			.read("$.properties[?(@.name == 'conn-listener.arrival-batching')].defaultValue");
		assertThat(arrivalBatchingDefault).containsExactly("20us");
		assertThat(DurationStyle.detectAndParse("20us")).isEqualTo(new ConnListenerProperties().getArrivalBatching());
		assertThat(defaultOf(metadata, "idle-timeout")).containsExactly("5m");
		assertThat(defaultOf(metadata, "max-connections-action")).containsExactly("pause");
		assertThat(defaultOf(metadata, "spare-file-descriptor")).containsExactly(true);
		assertThat(defaultOf(metadata, "tcp-no-delay")).containsExactly(true);
		assertThat(defaultOf(metadata, "buffered.read-high-watermark")).containsExactly("256KB");
		assertThat(defaultOf(metadata, "buffered.read-buffer-size")).containsExactly("16KB");
		assertThat(defaultOf(metadata, "admission.accept-rate")).containsExactly(0);
		List<String> actionHints = metadata
			.read("$.hints[?(@.name == 'conn-listener.defaults.max-connections-action')].values[*].value");
		assertThat(actionHints).containsExactly("pause", "close");
		List<String> ruleHints = metadata
			.read("$.hints[?(@.name == 'conn-listener.defaults.admission.rules')].values[*].value");
		assertThat(ruleHints).contains("deny 10.1.0.0/16", "allow 10.0.0.0/8");
		List<String> optionHints = metadata
			.read("$.hints[?(@.name == 'conn-listener.defaults.options')].values[*].value");
		assertThat(optionHints).contains("reuseable", "close-on-free", "deferred-accept", "bind-ipv6only");
		List<String> proxyProtocolHints = metadata
			.read("$.hints[?(@.name == 'conn-listener.defaults.proxy-protocol')].values[*].value");
		assertThat(proxyProtocolHints).containsExactly("off", "required");
		List<String> clientAuthHints = metadata
			.read("$.hints[?(@.name == 'conn-listener.defaults.tls.client-auth')].values[*].value");
		assertThat(clientAuthHints).containsExactly("none", "want", "need");
		List<Object> timeoutDefault = metadata
			.read("$.properties[?(@.name == 'conn-listener.defaults.proxy-protocol-timeout')].defaultValue");
		assertThat(timeoutDefault).containsExactly("3s");
		List<Object> acceptorsDefault = metadata
			.read("$.properties[?(@.name == 'conn-listener.defaults.acceptors')].defaultValue");
		assertThat(acceptorsDefault).containsExactly(1);
		List<Object> followReadinessDefault = metadata
			.read("$.properties[?(@.name == 'conn-listener.defaults.follow-readiness')].defaultValue");
		assertThat(followReadinessDefault).containsExactly(true);
		List<String> listeners = metadata.read("$.properties[?(@.name == 'conn-listener.listeners')].description");
		assertThat(listeners).singleElement()
			.asString()
			.contains("inherited", "channel-bean", "acceptors", "unbind-on-disable", "tls.bundle",
					"tls.server-name-bundles", "tls.application-protocols");
	}

	@Test
	void everyDefaultIsDescribedAndStatesItsDefault() throws IOException {
		Map<String, Map<String, Object>> defaults = defaults(metadata());
		assertThat(defaults).allSatisfy((name, property) -> assertThat(property.get("description")).as(name)
			.asString()
			.isNotBlank());
		Map<String, Object> values = new LinkedHashMap<>();
		defaults.forEach((name, property) -> values.put(name, property.get("defaultValue")));
		assertThat(values).containsOnlyKeys(DEFAULTS + "address", DEFAULTS + "backlog", DEFAULTS + "options",
				DEFAULTS + "enabled", DEFAULTS + "max-connections", DEFAULTS + "max-connections-action",
				DEFAULTS + "max-connections-resume", DEFAULTS + "idle-timeout", DEFAULTS + "write-timeout",
				DEFAULTS + "spare-file-descriptor", DEFAULTS + "tcp-no-delay", DEFAULTS + "admission.rules",
				DEFAULTS + "admission.max-connections-per-ip", DEFAULTS + "admission.accept-rate",
				DEFAULTS + "admission.accept-burst", DEFAULTS + "buffered.read-buffer-size",
				DEFAULTS + "buffered.read-high-watermark", DEFAULTS + "buffered.write-high-watermark",
				DEFAULTS + "buffered.write-low-watermark", DEFAULTS + "accept-error-backoff.initial",
				DEFAULTS + "accept-error-backoff.max", DEFAULTS + "max-accepts-per-wakeup",
				DEFAULTS + "deferred-accept-timeout", DEFAULTS + "acceptors", DEFAULTS + "follow-readiness",
				DEFAULTS + "unbind-on-disable", DEFAULTS + "disable-delay", DEFAULTS + "path-permissions",
				DEFAULTS + "proxy-protocol",
				DEFAULTS + "trusted-proxies", DEFAULTS + "proxy-protocol-timeout", DEFAULTS + "tls.bundle",
				DEFAULTS + "tls.server-name-bundles", DEFAULTS + "tls.client-auth", DEFAULTS + "tls.handshake-timeout",
				DEFAULTS + "tls.client-hello-max-size", DEFAULTS + "tls.application-protocols",
				DEFAULTS + "framing.type", DEFAULTS + "framing.max-frame-size", DEFAULTS + "framing.frame-timeout",
				DEFAULTS + "framing.charset", DEFAULTS + "framing.delimiter", DEFAULTS + "framing.length-field.size",
				DEFAULTS + "framing.length-field.offset", DEFAULTS + "framing.length-field.adjustment",
				DEFAULTS + "framing.length-field.strip", DEFAULTS + "framing.length-field.order",
				DEFAULTS + "framing.record-size");
		assertThat(values).containsEntry(DEFAULTS + "address", "0.0.0.0")
			.containsEntry(DEFAULTS + "backlog", -1)
			.containsEntry(DEFAULTS + "options", List.of("reuseable", "close-on-free"))
			.containsEntry(DEFAULTS + "enabled", true)
			.containsEntry(DEFAULTS + "max-connections", 10000)
			.containsEntry(DEFAULTS + "max-connections-action", "pause")
			.containsEntry(DEFAULTS + "max-connections-resume", null)
			.containsEntry(DEFAULTS + "idle-timeout", "5m")
			.containsEntry(DEFAULTS + "write-timeout", null)
			.containsEntry(DEFAULTS + "spare-file-descriptor", true)
			.containsEntry(DEFAULTS + "tcp-no-delay", true)
			.containsEntry(DEFAULTS + "admission.rules", List.of())
			.containsEntry(DEFAULTS + "admission.max-connections-per-ip", 0)
			.containsEntry(DEFAULTS + "admission.accept-rate", 0)
			.containsEntry(DEFAULTS + "admission.accept-burst", 0)
			.containsEntry(DEFAULTS + "buffered.read-buffer-size", "16KB")
			.containsEntry(DEFAULTS + "buffered.read-high-watermark", "256KB")
			.containsEntry(DEFAULTS + "buffered.write-high-watermark", "16KB")
			.containsEntry(DEFAULTS + "buffered.write-low-watermark", "8KB")
			.containsEntry(DEFAULTS + "accept-error-backoff.initial", "50ms")
			.containsEntry(DEFAULTS + "accept-error-backoff.max", "1s")
			.containsEntry(DEFAULTS + "max-accepts-per-wakeup", 16)
			.containsEntry(DEFAULTS + "deferred-accept-timeout", "30s")
			.containsEntry(DEFAULTS + "acceptors", 1)
			.containsEntry(DEFAULTS + "follow-readiness", true)
			.containsEntry(DEFAULTS + "unbind-on-disable", false)
			.containsEntry(DEFAULTS + "disable-delay", "0s")
			.containsEntry(DEFAULTS + "path-permissions", null)
			.containsEntry(DEFAULTS + "proxy-protocol", "off")
			.containsEntry(DEFAULTS + "trusted-proxies", List.of())
			.containsEntry(DEFAULTS + "proxy-protocol-timeout", "3s")
			.containsEntry(DEFAULTS + "tls.bundle", null)
			.containsEntry(DEFAULTS + "tls.server-name-bundles", List.of())
			.containsEntry(DEFAULTS + "tls.client-auth", "none")
			.containsEntry(DEFAULTS + "tls.handshake-timeout", "10s")
			.containsEntry(DEFAULTS + "tls.client-hello-max-size", "16KB")
			.containsEntry(DEFAULTS + "tls.application-protocols", List.of())
			.containsEntry(DEFAULTS + "framing.type", null)
			.containsEntry(DEFAULTS + "framing.max-frame-size", "64KB")
			.containsEntry(DEFAULTS + "framing.frame-timeout", "30s")
			.containsEntry(DEFAULTS + "framing.charset", "UTF-8")
			.containsEntry(DEFAULTS + "framing.delimiter", null)
			.containsEntry(DEFAULTS + "framing.length-field.size", 4)
			.containsEntry(DEFAULTS + "framing.length-field.offset", 0)
			.containsEntry(DEFAULTS + "framing.length-field.adjustment", 0)
			.containsEntry(DEFAULTS + "framing.length-field.strip", true)
			.containsEntry(DEFAULTS + "framing.length-field.order", "big-endian")
			.containsEntry(DEFAULTS + "framing.record-size", null);
	}

	@Test
	void defaultsInTheMetadataAreTheDefaultsThatApply() throws IOException {
		Map<String, String> source = new LinkedHashMap<>();
		defaults(metadata()).forEach((name, property) -> {
			Object value = property.get("defaultValue");
			if (value instanceof List<?> list) {
				source.put(name, list.stream().map(String::valueOf).collect(Collectors.joining(",")));
			}
			else if (value != null) {
				source.put(name, String.valueOf(value));
			}
		});
		// A listener starts with every value unset, so what it binds is what the metadata says.
		ConnListenerProperties.Listener stated = new Binder(new MapConfigurationPropertySource(source))
			.bind("conn-listener.defaults", Bindable.ofInstance(new ConnListenerProperties.Listener()))
			.get();
		assertThat(stated).usingRecursiveComparison()
			.ignoringFields("port", "path", "inherited", "channelBean")
			.isEqualTo(new ConnListenerProperties.Defaults());
	}

	@Test
	void eachKeyOfAListenerHasAnEntryOfItsOwnAsTheDefaultsHave() throws IOException {
		DocumentContext metadata = metadata();
		Map<String, Map<String, Object>> defaults = defaults(metadata);
		Map<String, Map<String, Object>> listener = withPrefix(metadata, LISTENER);
		List<String> defaultKeys = defaults.keySet().stream().map((name) -> name.substring(DEFAULTS.length())).toList();
		List<String> listenerKeys = listener.keySet().stream().map((name) -> name.substring(LISTENER.length())).toList();
		assertThat(listenerKeys).containsAll(defaultKeys)
			.contains("port", "path", "inherited", "channel-bean")
			.hasSize(defaultKeys.size() + 4);
		defaults.forEach((name, property) -> {
			Map<String, Object> own = listener.get(LISTENER + name.substring(DEFAULTS.length()));
			assertThat(own.get("type")).as(name).isEqualTo(property.get("type"));
			assertThat((String) own.get("description")).as(name)
				.startsWith((String) property.get("description"))
				.endsWith(" Unset, this listener takes " + name + ".");
			assertThat(own).as(name).doesNotContainKey("defaultValue");
		});
		List<Map<String, Object>> hints = metadata.read("$.hints[*]");
		Map<String, Object> hintValues = new LinkedHashMap<>();
		hints.forEach((hint) -> hintValues.put((String) hint.get("name"), hint.get("values")));
		hintValues.forEach((name, values) -> {
			if (name.startsWith(DEFAULTS)) {
				assertThat(hintValues).as(name).containsEntry(LISTENER + name.substring(DEFAULTS.length()), values);
			}
		});
	}

	@Test
	void theKeysOnlyAListenerTakesBind() {
		Map<String, String> source = Map.of("conn-listener.listeners.echo.port", "9876",
				"conn-listener.listeners.echo.path", "/tmp/echo.sock", "conn-listener.listeners.echo.inherited", "true",
				"conn-listener.listeners.echo.channel-bean", "echoChannel");
		ConnListenerProperties properties = new Binder(new MapConfigurationPropertySource(source))
			.bind(ConnListenerProperties.PREFIX, Bindable.ofInstance(new ConnListenerProperties()),
					new NoUnboundElementsBindHandler(BindHandler.DEFAULT))
			.get();
		ConnListenerProperties.Listener echo = properties.getListeners().get("echo");
		assertThat(echo.getPort()).isEqualTo(9876);
		assertThat(echo.getPath()).hasToString("/tmp/echo.sock");
		assertThat(echo.isInherited()).isTrue();
		assertThat(echo.getChannelBean()).isEqualTo("echoChannel");
	}

	@Test
	void theHealthComponentsSwitchIsDescribed() throws IOException {
		List<Map<String, Object>> health = metadata()
			.read("$.properties[?(@.name == 'management.health.connlisteners.enabled')]");
		assertThat(health).singleElement()
			.satisfies((property) -> assertThat(property).containsEntry("type", "java.lang.Boolean")
				.containsEntry("defaultValue", true)
				.containsKey("description"));
	}

	private static DocumentContext metadata() throws IOException {
		ClassPathResource resource = new ClassPathResource("META-INF/spring-configuration-metadata.json");
		try (InputStream input = resource.getInputStream()) {
			return JsonPath.parse(input);
		}
	}

	private static Map<String, Map<String, Object>> defaults(DocumentContext metadata) {
		return withPrefix(metadata, DEFAULTS);
	}

	private static Map<String, Map<String, Object>> withPrefix(DocumentContext metadata, String prefix) {
		List<Map<String, Object>> properties = metadata.read("$.properties[*]");
		Map<String, Map<String, Object>> found = new LinkedHashMap<>();
		for (Map<String, Object> property : properties) {
			String name = (String) property.get("name");
			if (name.startsWith(prefix)) {
				found.put(name, property);
			}
		}
		return found;
	}

	private static List<Object> defaultOf(DocumentContext metadata, String key) {
		return metadata.read("$.properties[?(@.name == 'conn-listener.defaults." + key + "')].defaultValue");
	}

}
