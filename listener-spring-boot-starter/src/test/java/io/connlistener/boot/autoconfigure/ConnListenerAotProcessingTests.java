package io.connlistener.boot.autoconfigure;

import io.connlistener.boot.testsupport.EchoGreeterConfiguration;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.aot.generate.ClassNameGenerator;
import org.springframework.aot.generate.DefaultGenerationContext;
import org.springframework.aot.generate.GeneratedFiles.Kind;
import org.springframework.aot.generate.InMemoryGeneratedFiles;
import org.springframework.aot.hint.TypeReference;
import org.springframework.aot.hint.predicate.RuntimeHintsPredicates;
import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.aot.ApplicationContextAotGenerator;
import org.springframework.context.support.GenericApplicationContext;
import org.springframework.javapoet.ClassName;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for the AOT processing of {@link ConnListenerAutoConfiguration}, as
 * {@code spring-boot:process-aot} runs it: the generated bean definitions and the hints.
 * The sample app's {@code SampleAppAotIT} runs the generated code.
 */
@Timeout(60)
class ConnListenerAotProcessingTests {

	private static final String SOURCES = "io/connlistener/boot/autoconfigure/";

	// Processing stops before the listeners bind: listener greeter needs no handler.
	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class))
		.withUserConfiguration(EchoGreeterConfiguration.class)
		.withPropertyValues("conn-listener.io-threads=1", "conn-listener.listeners.echo.port=0",
				"conn-listener.listeners.greeter.port=0");

	@Test
	void listenerBeansAreWrittenAsCodeWithTheirNames() {
		this.contextRunner.prepare((context) -> {
			InMemoryGeneratedFiles files = new InMemoryGeneratedFiles();
			DefaultGenerationContext generation = new DefaultGenerationContext(
					new ClassNameGenerator(ClassName.get(ConnListenerAotProcessingTests.class)), files);
			new ApplicationContextAotGenerator()
				.processAheadOfTime((GenericApplicationContext) context.getSourceApplicationContext(), generation);
			generation.writeGeneratedContent();
			assertThat(files.getGeneratedFileContent(Kind.SOURCE,
					SOURCES + "ConnListenerBeanRegistrar__BeanDefinitions.java"))
				.contains("getEchoConnListenerBeanDefinition", "addIndexedArgumentValue(0, \"echo\")",
						"getGreeterConnListenerBeanDefinition", "addIndexedArgumentValue(0, \"greeter\")",
						"setDependsOn(\"connListenerBeanSet\")");
			assertThat(files.getGeneratedFileContent(Kind.SOURCE, SOURCES + "ListenerBeanSet__BeanDefinitions.java"))
				.contains("List.of(\"echo\", \"greeter\")");
			// The starter's hints come along, from META-INF/spring/aot.factories.
			assertThat(RuntimeHintsPredicates.reflection()
				.onType(TypeReference.of("io.connlistener.internal.accept.AcceptBackoff")))
				.accepts(generation.getRuntimeHints());
		});
	}

}
