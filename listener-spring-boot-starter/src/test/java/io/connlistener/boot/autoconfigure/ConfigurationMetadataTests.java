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
				"conn-listener.defaults.deferred-accept-timeout");
		List<Object> undescribed = metadata.read("$.properties[?(!@.description)].name");
		assertThat(undescribed).isEmpty();
		List<Object> optionsDefault = metadata
			.read("$.properties[?(@.name == 'conn-listener.defaults.options')].defaultValue");
		assertThat(optionsDefault).containsExactly(List.of("reuseable", "close-on-free"));
		List<Object> backoffDefault = metadata
			.read("$.properties[?(@.name == 'conn-listener.defaults.accept-error-backoff.initial')].defaultValue");
		assertThat(backoffDefault).containsExactly("50ms");
		List<String> optionHints = metadata
			.read("$.hints[?(@.name == 'conn-listener.defaults.options')].values[*].value");
		assertThat(optionHints).contains("reuseable", "close-on-free", "deferred-accept", "bind-ipv6only");
	}

}
