package io.connlistener.boot.testsupport;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * Command lines for the applications tests run in JVMs of their own, from the test
 * classpath. A child logs to its standard output, which the test reads, through
 * {@code logback-child.xml}: not to the {@code target/test.log} of {@code logback-test.xml},
 * which the test's own JVM writes.
 */
public final class ChildApplications {

	private ChildApplications() {
	}

	/**
	 * Return the command that runs a main class in a JVM with a small heap.
	 * @param mainClass the class
	 * @param args its arguments
	 * @return the command
	 */
	public static List<String> command(Class<?> mainClass, String... args) {
		String java = Path.of(System.getProperty("java.home"), "bin", "java").toString();
		List<String> command = new ArrayList<>(List.of(java, "-Xmx256m", "-XX:+UseSerialGC",
				// Logback's own configuration, before Spring Boot's logging system takes over.
				"-Dlogback.configurationFile=logback-child.xml", "-Dlogging.config=classpath:logback-child.xml", "-cp",
				System.getProperty("java.class.path"), mainClass.getName()));
		command.addAll(List.of(args));
		return command;
	}

}
