package io.connlistener.boot.diagnostics;

import java.io.IOException;
import java.io.InputStream;
import java.net.URL;
import java.nio.charset.StandardCharsets;
import java.util.Arrays;
import java.util.Collections;
import java.util.List;
import java.util.Set;
import java.util.TreeSet;
import java.util.stream.Collectors;

import com.jayway.jsonpath.JsonPath;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ListenerPropertyNames}: the keys failure analysis lists are the keys the
 * configuration metadata the build generates says exist, so a property added to
 * {@code ConnListenerProperties} but not to the lists fails here instead of going unnamed
 * in the advice.
 */
class ListenerPropertyNamesTests {

	@Test
	void theRootKeysAreThoseOfTheMetadata() throws IOException {
		Set<String> root = metadataKeys("conn-listener.").stream()
			.filter((key) -> !key.contains("."))
			.filter((key) -> !key.equals("listeners"))
			.collect(Collectors.toCollection(TreeSet::new));
		Set<String> listed = keys(ListenerPropertyNames.ROOT_KEYS);
		assertThat(listed).contains("defaults.*", "listeners.<name>.*");
		listed.removeAll(List.of("defaults.*", "listeners.<name>.*"));
		assertThat(listed).isEqualTo(root);
	}

	@Test
	void theDefaultsKeysAreThoseOfTheMetadata() throws IOException {
		assertThat(keys(ListenerPropertyNames.DEFAULT_KEYS)).isEqualTo(metadataKeys("conn-listener.defaults."));
	}

	@Test
	void theListenerKeysAreThoseOfTheMetadata() throws IOException {
		assertThat(keys(ListenerPropertyNames.LISTENER_KEYS)).isEqualTo(metadataKeys("conn-listener.listeners.*."));
	}

	/** The listed keys, a list's entries' keys ({@code a[].b}) taken as the list's ({@code a}). */
	private static Set<String> keys(String list) {
		return Arrays.stream(list.split(","))
			.map(String::trim)
			.map((key) -> key.contains("[].") ? key.substring(0, key.indexOf("[].")) : key)
			.collect(Collectors.toCollection(TreeSet::new));
	}

	private static Set<String> metadataKeys(String prefix) throws IOException {
		List<String> names = JsonPath.read(metadata(), "$.properties[*].name");
		return names.stream()
			.filter((name) -> name.startsWith(prefix))
			.map((name) -> name.substring(prefix.length()))
			.collect(Collectors.toCollection(TreeSet::new));
	}

	/** The starter's own metadata, which the configuration processor wrote into the build's classes. */
	private static String metadata() throws IOException {
		for (URL url : Collections.list(ListenerPropertyNamesTests.class.getClassLoader()
			.getResources("META-INF/spring-configuration-metadata.json"))) {
			try (InputStream in = url.openStream()) {
				String json = new String(in.readAllBytes(), StandardCharsets.UTF_8);
				if (json.contains("\"conn-listener.listeners\"")) {
					return json;
				}
			}
		}
		throw new IllegalStateException("The starter's configuration metadata is not on the class path");
	}

}
