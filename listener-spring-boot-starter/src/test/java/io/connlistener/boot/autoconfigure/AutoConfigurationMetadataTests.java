package io.connlistener.boot.autoconfigure;

import java.io.IOException;
import java.io.InputStream;
import java.net.URI;
import java.net.URISyntaxException;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.List;
import java.util.Properties;

import io.connlistener.boot.autoconfigure.health.ConnListenersHealthContributorAutoConfiguration;
import io.connlistener.boot.autoconfigure.metrics.ConnListenerMetricsAutoConfiguration;
import org.junit.jupiter.api.Test;

import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.util.StreamUtils;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the {@code spring-autoconfigure-metadata.properties} that
 * spring-boot-autoconfigure-processor writes into the starter: Boot reads the conditions
 * there to skip an auto-configuration without loading its class.
 */
class AutoConfigurationMetadataTests {

	private static final String METRICS = ConnListenerMetricsAutoConfiguration.class.getName();

	private static final String HEALTH = ConnListenersHealthContributorAutoConfiguration.class.getName();

	@Test
	void everyAutoConfigurationOfTheStarterIsDescribed() throws IOException {
		Properties metadata = metadata();
		List<String> imports = imports();
		assertThat(imports).hasSizeGreaterThanOrEqualTo(4);
		assertThat(imports).allSatisfy((name) -> assertThat(metadata).containsKey(name));
	}

	@Test
	void metricsRunAfterBootsRegistriesAndNeedMicrometer() throws IOException {
		Properties metadata = metadata();
		assertThat(list(metadata, METRICS + ".AutoConfigureAfter")).containsExactlyInAnyOrder(
				ConnListenerAutoConfiguration.class.getName(), MetricsAutoConfiguration.class.getName(),
				CompositeMeterRegistryAutoConfiguration.class.getName());
		assertThat(list(metadata, METRICS + ".ConditionalOnClass")).containsExactlyInAnyOrder(
				"io.micrometer.core.instrument.MeterRegistry", "io.micrometer.core.instrument.binder.MeterBinder");
		assertThat(list(metadata, METRICS + ".ConditionalOnBean")).containsExactlyInAnyOrder(
				"io.connlistener.boot.listener.ConnListenerRegistry", "io.micrometer.core.instrument.MeterRegistry");
		assertThat(list(metadata, HEALTH + ".ConditionalOnClass"))
			.contains("org.springframework.boot.health.contributor.HealthIndicator");
	}

	private static List<String> list(Properties metadata, String key) {
		String value = metadata.getProperty(key);
		assertThat(value).as(key).isNotNull();
		return Arrays.asList(value.split(","));
	}

	private static List<String> imports() throws IOException {
		try (InputStream input = starterResource(
				"META-INF/spring/org.springframework.boot.autoconfigure.AutoConfiguration.imports")) {
			return StreamUtils.copyToString(input, StandardCharsets.UTF_8)
				.lines()
				.map(String::strip)
				.filter((line) -> !line.isEmpty() && !line.startsWith("#"))
				.toList();
		}
	}

	private static Properties metadata() throws IOException {
		Properties properties = new Properties();
		try (InputStream input = starterResource("META-INF/spring-autoconfigure-metadata.properties")) {
			properties.load(input);
		}
		return properties;
	}

	/**
	 * Open a file of the starter itself: every Boot jar on the class path has these too.
	 */
	private static InputStream starterResource(String path) throws IOException {
		try {
			URI classes = ConnListenerAutoConfiguration.class.getProtectionDomain().getCodeSource().getLocation().toURI();
			return classes.resolve(path).toURL().openStream();
		}
		catch (URISyntaxException ex) {
			throw new IOException(ex);
		}
	}

}
