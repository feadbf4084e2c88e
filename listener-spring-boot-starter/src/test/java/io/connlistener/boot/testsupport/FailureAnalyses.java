package io.connlistener.boot.testsupport;

import java.util.List;
import java.util.Objects;

import org.springframework.boot.diagnostics.FailureAnalysis;
import org.springframework.boot.diagnostics.FailureAnalyzer;
import org.springframework.core.env.Environment;
import org.springframework.core.io.support.SpringFactoriesLoader;
import org.springframework.core.io.support.SpringFactoriesLoader.ArgumentResolver;
import org.springframework.core.io.support.SpringFactoriesLoader.FailureHandler;
import org.springframework.mock.env.MockEnvironment;

/**
 * Analyzes a failure with the starter's failure analyzers, as {@code META-INF/spring.factories}
 * registers them, for tests outside the {@code diagnostics} package.
 */
public final class FailureAnalyses {

	private FailureAnalyses() {
	}

	/**
	 * Return the starter's analysis of a failure.
	 * @param failure the failure
	 * @return the first analysis, or {@code null} if no analyzer of the starter explains it
	 */
	public static FailureAnalysis analyze(Throwable failure) {
		// Boot's own analyzers come along; those that want more than an Environment are left out.
		List<FailureAnalyzer> analyzers = SpringFactoriesLoader
			.forDefaultResourceLocation(FailureAnalyses.class.getClassLoader())
			.load(FailureAnalyzer.class, ArgumentResolver.of(Environment.class, new MockEnvironment()),
					FailureHandler.handleMessage((message, ex) -> {
					}));
		return analyzers.stream()
			.filter((analyzer) -> analyzer.getClass().getPackageName().startsWith("io.connlistener."))
			.map((analyzer) -> analyzer.analyze(failure))
			.filter(Objects::nonNull)
			.findFirst()
			.orElse(null);
	}

}
