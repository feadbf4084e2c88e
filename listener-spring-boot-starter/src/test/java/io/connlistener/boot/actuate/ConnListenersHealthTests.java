package io.connlistener.boot.actuate;

import java.util.Map;

import io.connlistener.AcceptCallback;
import io.connlistener.boot.actuate.health.ConnListenersHealthContributor;
import io.connlistener.boot.autoconfigure.ConnListenerAutoConfiguration;
import io.connlistener.boot.autoconfigure.health.ConnListenersHealthContributorAutoConfiguration;
import io.connlistener.boot.handler.ConnectionHandler;
import io.connlistener.boot.listener.ConnListenerRegistry;
import io.connlistener.boot.listener.ManagedConnListener;
import io.connlistener.boot.testsupport.EchoGreeterConfiguration;
import io.connlistener.boot.testsupport.TestHandlers;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;

import org.springframework.boot.autoconfigure.AutoConfigurations;
import org.springframework.boot.health.actuate.endpoint.CompositeHealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthDescriptor;
import org.springframework.boot.health.actuate.endpoint.HealthEndpoint;
import org.springframework.boot.health.actuate.endpoint.IndicatedHealthDescriptor;
import org.springframework.boot.health.autoconfigure.actuate.endpoint.HealthEndpointAutoConfiguration;
import org.springframework.boot.health.autoconfigure.contributor.HealthContributorAutoConfiguration;
import org.springframework.boot.health.autoconfigure.registry.HealthContributorRegistryAutoConfiguration;
import org.springframework.boot.health.contributor.CompositeHealthContributor;
import org.springframework.boot.health.contributor.HealthContributor;
import org.springframework.boot.health.contributor.HealthContributors;
import org.springframework.boot.health.contributor.HealthIndicator;
import org.springframework.boot.health.contributor.Status;
import org.springframework.boot.test.context.runner.ApplicationContextRunner;
import org.springframework.context.annotation.Bean;
import org.springframework.context.annotation.Configuration;

import static org.assertj.core.api.Assertions.assertThat;
import static org.awaitility.Awaitility.await;

/**
 * The {@code connListeners} health component, one component per listener, read through
 * Boot's own health endpoint, its registry and its status aggregation, over real listeners.
 */
@Timeout(60)
class ConnListenersHealthTests {

	private final ApplicationContextRunner healthRunner = new ApplicationContextRunner()
		.withConfiguration(AutoConfigurations.of(ConnListenerAutoConfiguration.class,
				ConnListenersHealthContributorAutoConfiguration.class, HealthContributorAutoConfiguration.class,
				HealthContributorRegistryAutoConfiguration.class, HealthEndpointAutoConfiguration.class))
		.withPropertyValues("management.endpoints.web.exposure.include=health",
				"management.endpoint.health.show-details=always");

	private final ApplicationContextRunner contextRunner = this.healthRunner.withUserConfiguration(TwoListeners.class)
		.withPropertyValues("conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.address=127.0.0.1",
				"conn-listener.listeners.admin.port=0", "conn-listener.listeners.admin.address=127.0.0.1");

	@Test
	void eachListenerIsAComponentOfConnListenersWithItsDetails() {
		this.contextRunner.run((context) -> {
			assertThat(context).hasSingleBean(ConnListenersHealthContributor.class)
				.hasBean("connListenersHealthContributor");
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			HealthDescriptor all = health.healthForPath("connListeners");
			assertThat(all).isInstanceOf(CompositeHealthDescriptor.class);
			assertThat(all.getStatus()).isEqualTo(Status.UP);
			assertThat(((CompositeHealthDescriptor) all).getComponents()).containsOnlyKeys("echo", "admin");
			Map<String, Object> echo = details(health, "echo");
			assertThat(echo).containsEntry("enabled", true)
				.containsEntry("state", "RUNNING")
				.containsEntry("accepting", true)
				.containsEntry("inService", true)
				.containsEntry("refusingTraffic", false)
				.containsEntry("activeConnections", 0)
				.doesNotContainKeys("failure", "lastAcceptError");
			assertThat((String) echo.get("address")).startsWith("127.0.0.1:");
			assertThat(health.healthForPath("connListeners", "echo").getStatus()).isEqualTo(Status.UP);
			assertThat(health.healthForPath("connListeners", "nope")).isNull();
		});
	}

	@Test
	void aDisabledListenerIsOutOfServiceAndSoIsTheAggregateWhileTheOtherStaysUp() {
		this.contextRunner.run((context) -> {
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			context.getBean(ConnListenerRegistry.class).get("echo").disable();
			assertThat(health.healthForPath("connListeners", "echo").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(details(health, "echo")).containsEntry("enabled", false)
				.containsEntry("inService", false)
				.doesNotContainKey("failure");
			assertThat(health.healthForPath("connListeners", "admin").getStatus()).isEqualTo(Status.UP);
			assertThat(health.healthForPath("connListeners").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(health.health().getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
		});
	}

	@Test
	void aListenerThatCannotAcceptIsDownAndDownOutranksOutOfService() {
		this.contextRunner.run((context) -> {
			HealthEndpoint health = context.getBean(HealthEndpoint.class);
			ManagedConnListener admin = context.getBean(ConnListenerRegistry.class).get("admin");
			context.getBean(ConnListenerRegistry.class).get("echo").disable();
			// Registration with the loop is asynchronous: close the channel once it is watched.
			await().until(admin::isAccepting);
			admin.listener().channel().close();
			assertThat(health.healthForPath("connListeners", "admin").getStatus()).isEqualTo(Status.DOWN);
			assertThat(details(health, "admin")).containsEntry("failure", "listening channel was closed");
			assertThat(health.healthForPath("connListeners", "echo").getStatus()).isEqualTo(Status.OUT_OF_SERVICE);
			assertThat(health.healthForPath("connListeners").getStatus()).isEqualTo(Status.DOWN);
		});
	}

	@Test
	void aSingleListenerIsStillAComponentOfItsOwn() {
		this.healthRunner.withUserConfiguration(EchoGreeterConfiguration.class)
			.withPropertyValues("conn-listener.listeners.echo.port=0", "conn-listener.listeners.echo.address=127.0.0.1")
			.run((context) -> {
				CompositeHealthContributor composite = context.getBean(ConnListenersHealthContributor.class);
				assertThat(composite.stream().map(HealthContributors.Entry::name)).containsExactly("echo");
				assertThat(composite.getContributor("echo")).isInstanceOf(HealthIndicator.class);
				HealthEndpoint health = context.getBean(HealthEndpoint.class);
				assertThat(health.healthForPath("connListeners")).isInstanceOf(CompositeHealthDescriptor.class);
				assertThat(health.healthForPath("connListeners", "echo").getStatus()).isEqualTo(Status.UP);
			});
	}

	@Test
	void healthBacksOffWhenDisabled() {
		this.contextRunner.withPropertyValues("management.health.connlisteners.enabled=false").run((context) -> {
			assertThat(context).doesNotHaveBean(ConnListenersHealthContributor.class);
			assertThat(context.getBean(HealthEndpoint.class).healthForPath("connListeners")).isNull();
		});
	}

	@Test
	void aUserBeanNamedAsTheComponentWins() {
		this.contextRunner.withBean("connListenersHealthContributor", HealthContributor.class,
				() -> CompositeHealthContributor.fromMap(Map.of()))
			.run((context) -> assertThat(context).doesNotHaveBean(ConnListenersHealthContributor.class));
	}

	@SuppressWarnings("unchecked")
	private static Map<String, Object> details(HealthEndpoint health, String listener) {
		HealthDescriptor descriptor = health.healthForPath("connListeners", listener);
		assertThat(descriptor).isInstanceOf(IndicatedHealthDescriptor.class);
		return ((IndicatedHealthDescriptor) descriptor).getDetails();
	}

	@Configuration(proxyBeanMethods = false)
	static class TwoListeners {

		@Bean
		@ConnectionHandler("echo")
		AcceptCallback echoHandler() {
			return TestHandlers.greeter("echo");
		}

		@Bean
		@ConnectionHandler("admin")
		AcceptCallback adminHandler() {
			return TestHandlers.greeter("admin");
		}

	}

}
