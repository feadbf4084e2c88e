package io.connlistener.sample;

/**
 * Placeholder until the Spring Boot echo server lands.
 */
public final class SampleApplication {

	private SampleApplication() {
	}

	public static void main(String[] args) {
		System.out.println("The sample echo server is not built yet; run the tests with ./mvnw -B -ntp verify");
	}

}
