package io.connlistener.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

/**
 * A Spring Boot application jar that a {@link Scenario.Kind#STARTUP startup} scenario starts
 * fresh again and again: its own JVM flags and arguments, and the property that sets the
 * port of its echo listener.
 *
 * @param name short name, as in the report
 * @param label description in the report
 * @param jar the application jar, which may not exist
 * @param jvmFlags flags after the run's own, such as {@code -Dspring.aot.enabled=true}
 * @param args arguments after the jar
 * @param portProperty the property of the echo port, given as {@code --NAME=PORT}
 * @param classDataSharing whether the jar is to be extracted and started on a class data
 * sharing archive trained first ({@link ClassDataSharing}), as Spring Boot's CDS recipe does
 */
public record StartupPeer(String name, String label, Path jar, List<String> jvmFlags, List<String> args,
		String portProperty, boolean classDataSharing) {

	/** Name of the sample application's startup on the JVM. */
	public static final String SAMPLE_APP = "sample-app";

	/** Name of the sample application's startup on its AOT-processed bean definitions. */
	public static final String SAMPLE_APP_AOT = "sample-app-aot";

	/** Name of the sample application's startup without its web server: the starter's own share. */
	public static final String SAMPLE_APP_NO_WEB = "sample-app-no-web";

	/** Name of the Reactor Netty application's startup: what the sample app is held against. */
	public static final String REACTOR_NETTY_APP = "reactor-netty-app";

	/** Name of the sample application's startup from its extracted jar on a CDS archive. */
	public static final String SAMPLE_APP_CDS = "sample-app-cds";

	/** Name of the sample application's startup on a CDS archive and its AOT-processed beans. */
	public static final String SAMPLE_APP_CDS_AOT = "sample-app-cds-aot";

	/** Name of the Reactor Netty application's startup from its extracted jar on a CDS archive. */
	public static final String REACTOR_NETTY_APP_CDS = "reactor-netty-app-cds";

	/** Name of the startup of the echo application on the connlistener starter alone. */
	public static final String STARTER_ECHO_APP = "starter-echo-app";

	/** The sample's message listener on loopback and a port of its own, off its fixed 9877. */
	private static final String COMMANDS_ADDRESS = "--conn-listener.listeners." + PeerDefinition.COMMANDS_LISTENER
			+ ".address=127.0.0.1";

	private static final String COMMANDS_PORT = "--conn-listener.listeners." + PeerDefinition.COMMANDS_LISTENER
			+ ".port=0";

	/**
	 * Return every startup peer, in report order.
	 * @param sampleAppJar the sample application's jar
	 * @param reactorNettyJar the Reactor Netty echo application's jar
	 * @param starterEchoJar the jar of the echo application on the connlistener starter alone
	 * @return the peers
	 */
	public static List<StartupPeer> all(Path sampleAppJar, Path reactorNettyJar, Path starterEchoJar) {
		List<String> sampleArgs = List.of("--server.port=0", "--management.endpoints.web.exposure.include=health,prometheus",
				"--conn-listener.listeners." + PeerDefinition.LISTENER + ".address=127.0.0.1", COMMANDS_ADDRESS,
				COMMANDS_PORT);
		String samplePort = "conn-listener.listeners." + PeerDefinition.LISTENER + ".port";
		return List.of(
				new StartupPeer(SAMPLE_APP, "the sample app jar on the JVM (Actuator, Prometheus and Tomcat on a port of "
						+ "its own, as `sample-app`; the starter's defaults)", sampleAppJar, List.of(), sampleArgs, samplePort,
						false),
				new StartupPeer(SAMPLE_APP_AOT, "the same jar on the bean definitions `spring-boot:process-aot` wrote into it "
						+ "(`-Dspring.aot.enabled=true`)", sampleAppJar, List.of("-Dspring.aot.enabled=true"), sampleArgs,
						samplePort, false),
				new StartupPeer(SAMPLE_APP_NO_WEB, "the same jar on the JVM with `spring.main.web-application-type=none`: "
						+ "no Tomcat, so no Actuator over HTTP; what is left is the starter, Micrometer and the echo, "
						+ "nearer what the Reactor Netty app carries", sampleAppJar, List.of(),
						List.of("--spring.main.web-application-type=none",
								"--conn-listener.listeners." + PeerDefinition.LISTENER + ".address=127.0.0.1",
								COMMANDS_ADDRESS, COMMANDS_PORT),
						samplePort, false),
				new StartupPeer(STARTER_ECHO_APP, "benchmarks/starter-echo: `spring-boot-starter`, the connlistener "
						+ "starter and one buffered echo handler, the Reactor Netty app's counterpart: what the starter "
						+ "itself adds", starterEchoJar, List.of(), List.of(), samplePort, false),
				new StartupPeer(REACTOR_NETTY_APP, "benchmarks/reactor-netty-echo: `spring-boot-starter` and Reactor Netty's "
						+ "`TcpServer` bound by one bean, `out.send(in.receive().retain())`, Reactor Netty's defaults (native "
						+ "epoll where it loads)", reactorNettyJar, List.of(), List.of("--echo.address=127.0.0.1"), "echo.port",
						false),
				new StartupPeer(SAMPLE_APP_CDS, "`sample-app` as Spring Boot's CDS recipe deploys it: the jar extracted "
						+ "(`-Djarmode=tools extract`), a training start with `-XX:ArchiveClassesAtExit` and "
						+ "`-Dspring.context.exit=onRefresh`, then starts from the extracted jar with "
						+ "`-XX:SharedArchiveFile` and `-Xshare:on`", sampleAppJar, List.of(), sampleArgs, samplePort, true),
				new StartupPeer(SAMPLE_APP_CDS_AOT, "`sample-app-cds` on the AOT-processed beans too (trained and started "
						+ "with `-Dspring.aot.enabled=true`): the fastest start of the sample on the JVM",
						sampleAppJar, List.of("-Dspring.aot.enabled=true"), sampleArgs, samplePort, true),
				new StartupPeer(REACTOR_NETTY_APP_CDS, "`reactor-netty-app` by the same CDS recipe", reactorNettyJar,
						List.of(), List.of("--echo.address=127.0.0.1"), "echo.port", true));
	}

	/**
	 * Tell why this peer cannot start here.
	 * @return the reason, or {@code null} if it can
	 */
	public String unavailableReason() {
		return Files.isRegularFile(this.jar) ? null
				: "no jar at " + this.jar + " (build it with ./mvnw -B -ntp -DskipTests package)";
	}

	/**
	 * Build the command line.
	 * @param java the {@code java} executable
	 * @param runFlags flags every start gets
	 * @param port the port of the echo listener
	 * @return the command
	 */
	public List<String> command(String java, List<String> runFlags, int port) {
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(runFlags);
		command.addAll(this.jvmFlags);
		command.add("-jar");
		command.add(this.jar.toAbsolutePath().toString());
		command.addAll(this.args);
		command.add("--" + this.portProperty + "=" + port);
		return command;
	}

}
