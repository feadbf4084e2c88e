package io.connlistener.boot.testsupport;

import java.io.IOException;
import java.io.UncheckedIOException;
import java.nio.charset.StandardCharsets;

import org.springframework.boot.env.YamlPropertySourceLoader;
import org.springframework.context.ApplicationContextInitializer;
import org.springframework.context.ConfigurableApplicationContext;
import org.springframework.core.env.PropertySource;
import org.springframework.core.io.ByteArrayResource;

/**
 * Configuration written in YAML, added to a test context's environment as an
 * {@code application.yml} would be, for what properties in {@code key=value} form cannot
 * say (a key left empty, a list of objects).
 */
public final class YamlProperties {

	private YamlProperties() {
	}

	/**
	 * Return an initializer that adds YAML to the environment, after its other sources.
	 * @param yaml the YAML
	 * @return the initializer
	 */
	public static ApplicationContextInitializer<ConfigurableApplicationContext> of(String yaml) {
		return (context) -> {
			try {
				for (PropertySource<?> source : new YamlPropertySourceLoader().load("application.yml",
						new ByteArrayResource(yaml.getBytes(StandardCharsets.UTF_8)))) {
					context.getEnvironment().getPropertySources().addLast(source);
				}
			}
			catch (IOException ex) {
				throw new UncheckedIOException(ex);
			}
		};
	}

}
