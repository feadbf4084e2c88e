package io.connlistener.benchmarks;

import java.io.IOException;
import java.net.InetAddress;
import java.net.ServerSocket;
import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.connlistener.benchmarks.peers.ConnListenerEchoPeer;
import io.connlistener.benchmarks.peers.JdkEchoPeer;
import io.connlistener.benchmarks.peers.NettyEchoPeer;
import io.netty.util.Version;

/**
 * An echo server the harness can start as a child JVM: a {@code main} of this module, or a
 * Spring Boot application jar told its port on the command line.
 *
 * @param name short name, as in {@code --peers}
 * @param label name in the report
 * @param mainClass the main class, or {@code null} for a jar
 * @param args arguments after the main class or jar
 * @param requiredClass a class that must be on the class path for the peer to run, or
 * {@code null}
 * @param jar the application jar, or {@code null} for a main class
 */
public record PeerDefinition(String name, String label, String mainClass, List<String> args, String requiredClass,
		Path jar) {

	/** Name of the peer every ratio is taken against first. */
	public static final String NETTY_NIO = "netty-nio";

	/** Name of the peer every ratio is taken against second. */
	public static final String JDK = "jdk";

	/** Name of the Spring Boot sample application's peer. */
	public static final String SAMPLE_APP = "sample-app";

	/**
	 * Return every known peer, in report order.
	 * @param sampleAppJar the sample application's jar, which may not exist
	 * @return the peers
	 */
	public static List<PeerDefinition> all(Path sampleAppJar) {
		String netty = "Netty " + nettyVersion();
		return List.of(
				new PeerDefinition(JDK, "JDK NIO, one selector thread, a 16 KiB direct buffer per connection",
						JdkEchoPeer.class.getName(), List.of(), null, null),
				new PeerDefinition(NETTY_NIO, netty + ", NIO transport, one event loop", NettyEchoPeer.class.getName(),
						List.of("nio"), null, null),
				new PeerDefinition("netty-epoll", netty + ", native epoll transport, one event loop",
						NettyEchoPeer.class.getName(), List.of("epoll"), null, null),
				new PeerDefinition("connlistener", "listener-core: ConnListener and BufferedConnections on one loop",
						ConnListenerEchoPeer.class.getName(), List.of(), "io.connlistener.buffer.BufferedConnections", null),
				sampleApp(SAMPLE_APP, "the Spring Boot sample app jar (Actuator and a Prometheus registry on), with "
						+ "conn-listener.io-threads=1", sampleAppJar, List.of("--conn-listener.io-threads=1")));
	}

	/**
	 * Return the sample application with Actuator and Prometheus on, listening on loopback,
	 * and the given properties.
	 * @param name short name
	 * @param label name in the report
	 * @param sampleAppJar the jar, which may not exist
	 * @param properties more command-line properties, such as {@code --conn-listener.io-threads=2}
	 * @return the peer
	 */
	public static PeerDefinition sampleApp(String name, String label, Path sampleAppJar, List<String> properties) {
		List<String> args = new ArrayList<>(List.of("--server.port=0",
				"--management.endpoints.web.exposure.include=health,prometheus",
				"--conn-listener.listeners.echo.address=127.0.0.1", "--conn-listener.listeners.echo.max-connections=20000"));
		args.addAll(properties);
		return new PeerDefinition(name, label, null, List.copyOf(args), null, sampleAppJar);
	}

	private static String nettyVersion() {
		Version version = Version.identify().get("netty-transport");
		return (version != null) ? version.artifactVersion() : "4.2";
	}

	/**
	 * Tell why this peer cannot run here.
	 * @return the reason, or {@code null} if it can run
	 */
	public String unavailableReason() {
		if (this.requiredClass != null) {
			try {
				Class.forName(this.requiredClass, false, PeerDefinition.class.getClassLoader());
			}
			catch (ClassNotFoundException ex) {
				return this.requiredClass + " is not on the class path";
			}
		}
		if (this.mainClass == null && (this.jar == null || !Files.isRegularFile(this.jar))) {
			return "no jar at " + this.jar + " (build it with ./mvnw -B -ntp -DskipTests package)";
		}
		return null;
	}

	/**
	 * Return whether this peer is told its port rather than announcing it.
	 * @return {@code true} for an application jar
	 */
	public boolean needsPort() {
		return this.mainClass == null;
	}

	/**
	 * Build the command line.
	 * @param java the {@code java} executable
	 * @param jvmFlags flags every peer gets
	 * @param classPath the harness's class path, for main classes
	 * @param port the port to listen on, for an application jar
	 * @return the command
	 */
	public List<String> command(String java, List<String> jvmFlags, String classPath, int port) {
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(jvmFlags);
		if (this.mainClass != null) {
			command.add("-cp");
			command.add(classPath);
			command.add(this.mainClass);
			command.addAll(this.args);
		}
		else {
			command.add("-jar");
			command.add(this.jar.toAbsolutePath().toString());
			command.addAll(this.args);
			command.add("--conn-listener.listeners.echo.port=" + port);
		}
		return command;
	}

	/**
	 * Find a free loopback port for a peer that must be told one. Another process may take
	 * it before the peer binds; the peer then fails to start and is skipped.
	 * @return a port
	 * @throws IOException if no port can be had
	 */
	static int freeLoopbackPort() throws IOException {
		try (ServerSocket socket = new ServerSocket(0, 1, InetAddress.getLoopbackAddress())) {
			return socket.getLocalPort();
		}
	}

}
