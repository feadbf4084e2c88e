package io.connlistener.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.util.List;

import com.jayway.jsonpath.DocumentContext;
import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import org.springframework.core.io.ClassPathResource;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the configuration metadata the starter ships: every default is described, and
 * options have value hints, though the processor cannot look inside the listeners map.
 */
class ConfigurationMetadataTests {

	@Test
	void metadataDescribesDefaultsAndHintsOptions() throws IOException {
		DocumentContext metadata;
		ClassPathResource resource = new ClassPathResource("META-INF/spring-configuration-metadata.json");
		try (InputStream input = resource.getInputStream()) {
			metadata = JsonPath.parse(input);
		}
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
				"conn-listener.defaults.unbind-on-disable", "conn-listener.defaults.path-permissions");
		List<Object> undescribed = metadata.read("$.properties[?(!@.description)].name");
		assertThat(undescribed).isEmpty();
		List<Object> optionsDefault = metadata
			.read("$.properties[?(@.name == 'conn-listener.defaults.options')].defaultValue");
		assertThat(optionsDefault).containsExactly(List.of("reuseable", "close-on-free"));
		List<Object> backoffDefault = metadata
			.read("$.properties[?(@.name == 'conn-listener.defaults.accept-error-backoff.initial')].defaultValue");
		assertThat(backoffDefault).containsExactly("50ms");
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
			.contains("inherited", "channel-bean", "acceptors", "unbind-on-disable");
	}

	private static List<Object> defaultOf(DocumentContext metadata, String key) {
		return metadata.read("$.properties[?(@.name == 'conn-listener.defaults." + key + "')].defaultValue");
	}

}
