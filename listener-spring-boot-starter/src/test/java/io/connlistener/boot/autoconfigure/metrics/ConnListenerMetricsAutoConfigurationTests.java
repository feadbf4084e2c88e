package io.connlistener.boot.autoconfigure.metrics;

import io.connlistener.boot.actuate.metrics.ConnListenerMetrics;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.testsupport.EchoGreeterConfiguration;
import io.micrometer.core.instrument.MeterRegistry;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.micrometer.metrics.autoconfigure.CompositeMeterRegistryAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.MetricsAutoConfiguration;
import org.springframework.boot.micrometer.metrics.autoconfigure.export.simple.SimpleMetricsExportAutoConfiguration;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;

import static org.assertj.core.api.Assertions.assertThat;

/**
 * Tests for {@link ConnListenerMetricsAutoConfiguration} among Boot's own metrics
 * auto-configurations.
 */
@Timeout(60)
class ConnListenerMetricsAutoConfigurationTests {

	private final ApplicationContextRunner contextRunner = new ApplicationContextRunner()
		.withConfiguration(
				AutoConfigurations.of(ConnListenerAutoConfiguration.class, ConnListenerMetricsAutoConfiguration.class))
		.withUserConfiguration(EchoGreeterConfiguration.class)
		.withPropertyValues("conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.address=127.0.0.1");

	@Test
	void metersAreBoundToTheRegistryBootAutoConfigures() {
		// Sorted by name alone, ours would come first and find no registry yet.
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
			.run((context) -> {
				assertThat(context).hasSingleBean(ConnListenerMetrics.class).hasBean("connListenerMetrics");
				MeterRegistry registry = context.getBean(MeterRegistry.class);
				assertThat(registry.find("conn.listener.accepts").tag("listener", "echo").functionCounter())
					.isNotNull();
				assertThat(registry.find("conn.listener.enabled").tag("listener", "echo").gauge().value()).isOne();
			});
	}

	@Test
	void backsOffWithoutAMeterRegistry() {
		this.contextRunner.run((context) -> assertThat(context).hasSingleBean(ConnListenerRegistry.class)
			.doesNotHaveBean(ConnListenerMetrics.class));
	}

	@Test
	void aUserBinderWins() {
		this.contextRunner
			.withConfiguration(AutoConfigurations.of(MetricsAutoConfiguration.class,
					SimpleMetricsExportAutoConfiguration.class, CompositeMeterRegistryAutoConfiguration.class))
			.withBean("myMetrics", ConnListenerMetrics.class,
					() -> new ConnListenerMetrics(new ConnListenerRegistry(java.util.List.of())))
			.run((context) -> assertThat(context).hasSingleBean(ConnListenerMetrics.class).hasBean("myMetrics"));
	}

}
