package io.connlistener.benchmarks;

import java.nio.file.Files;
import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;

import io.connlistener.benchmarks.peers.ConnListenerEchoPeer;
import io.connlistener.benchmarks.peers.ConnListenerFramedEchoPeer;
import io.connlistener.benchmarks.peers.ConnListenerTlsEchoPeer;
import io.connlistener.benchmarks.peers.JdkEchoPeer;
import io.connlistener.benchmarks.peers.NettyEchoPeer;
import io.connlistener.benchmarks.peers.NettyFramedEchoPeer;
import io.connlistener.benchmarks.peers.TlsFiles;
import io.netty.util.Version;

/**
 * An echo server the harness can start as a child JVM: a {@code main} of this module, or a
 * Spring Boot application jar told its port on the command line. A TLS peer is also told
 * where the run's certificate is: a main class gets the {@link TlsFiles} folder as its last
 * argument, an application jar a PEM SSL bundle {@value #TLS_BUNDLE} of its files.
 *
 * @param name short name, as in {@code --peers}
 * @param label name in the report
 * @param mainClass the main class, or {@code null} for a jar
 * @param args arguments after the main class or jar
 * @param requiredClass a class that must be on the class path for the peer to run, or
 * {@code null}
 * @param jar the application jar, or {@code null} for a main class
 * @param protocol what the peer serves, and so which scenarios it runs
 */
public record PeerDefinition(String name, String label, String mainClass, List<String> args, String requiredClass,
		Path jar, Protocol protocol) {

	/** Name of the peer every ratio is taken against first. */
	public static final String NETTY_NIO = "netty-nio";

	/** Name of the peer every ratio is taken against second. */
	public static final String JDK = "jdk";

	/** Name of the Spring Boot sample application's peer. */
	public static final String SAMPLE_APP = "sample-app";

	/** Name of the Netty peer with a boss loop that accepts, beside the loop that serves. */
	public static final String NETTY_NIO_BOSS = "netty-nio-boss";

	/** Name of the sample application's peer that accepts on a loop of its own. */
	public static final String SAMPLE_APP_DEDICATED_ACCEPTOR = "sample-app-dedicated-acceptor";

	/** Name of the peer every TLS ratio is taken against first: Netty with the JDK's TLS. */
	public static final String NETTY_NIO_TLS = "netty-nio-tls";

	/** Name of the peer every TLS ratio is taken against second: Netty with BoringSSL. */
	public static final String NETTY_NIO_TLS_OPENSSL = "netty-nio-tls-openssl";

	/** Name of listener-core's TLS peer. */
	public static final String CONNLISTENER_TLS = "connlistener-tls";

	/** Name of the sample application's TLS peer. */
	public static final String SAMPLE_APP_TLS = "sample-app-tls";

	/** Name of the sample application's echo listener, under {@code conn-listener.listeners}. */
	public static final String LISTENER = "echo";

	/** Name of the SSL bundle a TLS application jar is given. */
	public static final String TLS_BUNDLE = "benchmark";

	/** Name of the peer every framed ratio is taken against: Netty's line decoder and string codecs. */
	public static final String NETTY_NIO_FRAMED = "netty-nio-framed";

	/** Name of listener-core's framed peer. */
	public static final String CONNLISTENER_FRAMED = "connlistener-framed";

	/** Name of the sample app's message listener as a framed peer. */
	public static final String SAMPLE_APP_FRAMED = "sample-app-framed";

	/** The sample app's message listener, which framed scenarios load. */
	public static final String COMMANDS_LISTENER = "commands";


	/**
	 * Create a peer over plain TCP.
	 * @param name short name, as in {@code --peers}
	 * @param label name in the report
	 * @param mainClass the main class, or {@code null} for a jar
	 * @param args arguments after the main class or jar
	 * @param requiredClass a class that must be on the class path for the peer to run, or
	 * {@code null}
	 * @param jar the application jar, or {@code null} for a main class
	 */
	public PeerDefinition(String name, String label, String mainClass, List<String> args, String requiredClass,
			Path jar) {
		this(name, label, mainClass, args, requiredClass, jar, Protocol.PLAIN);
	}

	/**
	 * Return whether this peer serves TLS, and so the TLS scenarios.
	 * @return {@code true} for a TLS peer
	 */
	public boolean tls() {
		return this.protocol == Protocol.TLS;
	}

	/**
	 * Return whether this peer runs a scenario: whether it serves what the scenario speaks.
	 * @param scenario the scenario
	 * @return {@code true} if the protocols agree
	 */
	public boolean serves(Scenario scenario) {
		return this.protocol == scenario.protocol();
	}

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
				new PeerDefinition(NETTY_NIO_BOSS, netty + ", NIO transport, a boss loop that accepts and one event "
						+ "loop that serves (`group(boss, worker)`, as Netty users configure a server)",
						NettyEchoPeer.class.getName(), List.of("nio-boss"), null, null),
				new PeerDefinition("connlistener", "listener-core: ConnListener and BufferedConnections on one loop",
						ConnListenerEchoPeer.class.getName(), List.of(), "io.connlistener.buffer.BufferedConnections", null),
				sampleApp(SAMPLE_APP, "the Spring Boot sample app jar (Actuator and a Prometheus registry on), with "
						+ "conn-listener.io-threads=1", sampleAppJar, List.of("--conn-listener.io-threads=1")),
				sampleApp(SAMPLE_APP_DEDICATED_ACCEPTOR, "the sample app jar as `sample-app`, with "
						+ "conn-listener.dedicated-acceptor-loop=true (accepting on a loop of its own)", sampleAppJar,
						List.of("--conn-listener.io-threads=1", "--conn-listener.dedicated-acceptor-loop=true")),
				new PeerDefinition(NETTY_NIO_TLS, netty + ", NIO transport, one event loop, `SslHandler` with "
						+ "`SslProvider.JDK` (the JDK's `SSLEngine`), Netty's defaults otherwise",
						NettyEchoPeer.class.getName(), List.of("nio", "jdk"), null, null, Protocol.TLS),
				new PeerDefinition(NETTY_NIO_TLS_OPENSSL, netty + ", NIO transport, one event loop, `SslHandler` with "
						+ "`SslProvider.OPENSSL` (netty-tcnative-boringssl-static " + tcnativeVersion()
						+ "), Netty's defaults otherwise", NettyEchoPeer.class.getName(), List.of("nio", "openssl"), null,
						null, Protocol.TLS),
				new PeerDefinition(CONNLISTENER_TLS, "listener-core: ConnListener with TlsSettings (the JDK's `SSLEngine`) "
						+ "and BufferedConnections on one loop", ConnListenerTlsEchoPeer.class.getName(), List.of(), null, null,
						Protocol.TLS),
				sampleAppTls(sampleAppJar),
				new PeerDefinition(NETTY_NIO_FRAMED, netty + ", NIO transport, one event loop, `LineBasedFrameDecoder`, "
						+ "`StringDecoder` and `StringEncoder`, each `ECHO <text>` answered with "
						+ "`writeAndFlush(text + \"\\r\\n\")` from the handler",
						NettyFramedEchoPeer.class.getName(), List.of(), null, null, Protocol.FRAMED),
				new PeerDefinition(CONNLISTENER_FRAMED, "listener-core: `FramedHandler` with `LINE` framing on "
						+ "BufferedConnections on one loop, each `ECHO <text>` answered on the loop",
						ConnListenerFramedEchoPeer.class.getName(), List.of(), null, null, Protocol.FRAMED),
				sampleAppFramed(sampleAppJar));
	}

	/**
	 * Return the sample application as {@link #SAMPLE_APP} runs it, with its echo listener
	 * serving TLS from the PEM SSL bundle {@value #TLS_BUNDLE}.
	 * @param sampleAppJar the jar, which may not exist
	 * @return the peer
	 */
	static PeerDefinition sampleAppTls(Path sampleAppJar) {
		PeerDefinition app = sampleApp(SAMPLE_APP_TLS, "the Spring Boot sample app jar as `sample-app`, its listener "
				+ "with `tls.bundle` a PEM SSL bundle (`spring.ssl.bundle.pem`)", sampleAppJar,
				List.of("--conn-listener.io-threads=1", "--conn-listener.listeners." + LISTENER + ".tls.bundle=" + TLS_BUNDLE));
		return new PeerDefinition(app.name(), app.label(), null, app.args(), null, sampleAppJar, Protocol.TLS);
	}

	/**
	 * Return the sample application as {@link #SAMPLE_APP} runs it, loaded on its message
	 * listener {@value #COMMANDS_LISTENER} ({@code line} framing, a {@code MessageHandler} off
	 * the loop, as the sample configures it), whose {@code ECHO} command answers the text.
	 * @param sampleAppJar the jar, which may not exist
	 * @return the peer
	 */
	static PeerDefinition sampleAppFramed(Path sampleAppJar) {
		PeerDefinition app = sampleApp(SAMPLE_APP_FRAMED, "the Spring Boot sample app jar as `sample-app`, loaded on "
				+ "its `commands` listener: `line` framing and its `@NonBlocking` `MessageHandler<String>`, on the loop",
				sampleAppJar,
				List.of("--conn-listener.io-threads=1",
						"--conn-listener.listeners." + COMMANDS_LISTENER + ".max-connections=20000"));
		return new PeerDefinition(app.name(), app.label(), null, app.args(), null, sampleAppJar, Protocol.FRAMED);
	}

	/**
	 * Return the name of the listener whose port the harness loads, for a Spring Boot peer.
	 * @return {@value #COMMANDS_LISTENER} for a framed peer, else {@value #LISTENER}
	 */
	public String listener() {
		return (this.protocol == Protocol.FRAMED) ? COMMANDS_LISTENER : LISTENER;
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
				"--conn-listener.listeners." + LISTENER + ".address=127.0.0.1",
				"--conn-listener.listeners." + LISTENER + ".max-connections=20000",
				// Off its fixed port 9877, so that sample apps can run side by side.
				"--conn-listener.listeners." + COMMANDS_LISTENER + ".address=127.0.0.1",
				"--conn-listener.listeners." + COMMANDS_LISTENER + ".port=0"));
		args.addAll(properties);
		return new PeerDefinition(name, label, null, List.copyOf(args), null, sampleAppJar);
	}

	private static String nettyVersion() {
		Version version = Version.identify().get("netty-transport");
		return (version != null) ? version.artifactVersion() : "4.2";
	}

	private static String tcnativeVersion() {
		try {
			// By name, without loading the native library: the jar is a runtime dependency.
			Package tcnative = Class.forName("io.netty.internal.tcnative.SSL", false, PeerDefinition.class.getClassLoader())
				.getPackage();
			String version = (tcnative != null) ? tcnative.getImplementationVersion() : null;
			return (version != null) ? version : "2.0";
		}
		catch (ClassNotFoundException ex) {
			return "missing";
		}
	}

	/**
	 * Tell why this peer cannot run here.
	 * @return the reason, or {@code null} if it can run
	 */
	public String unavailableReason() {
		for (String required : new String[] { this.requiredClass, this.mainClass }) {
			if (required == null) {
				continue;
			}
			try {
				Class.forName(required, false, PeerDefinition.class.getClassLoader());
			}
			catch (ClassNotFoundException ex) {
				return required + " is not on the class path";
			}
		}
		if (this.mainClass == null && (this.jar == null || !Files.isRegularFile(this.jar))) {
			return "no jar at " + this.jar + " (build it with ./mvnw -B -ntp -DskipTests package)";
		}
		return null;
	}

	/**
	 * Return whether this peer is an application jar, which logs the port its listener
	 * {@value #LISTENER} bound rather than printing a {@code READY} line.
	 * @return {@code true} for an application jar
	 */
	public boolean application() {
		return this.mainClass == null;
	}

	/**
	 * Build the command line.
	 * @param java the {@code java} executable
	 * @param jvmFlags flags every peer gets
	 * @param classPath the harness's class path, for main classes
	 * @param tlsFolder the run's {@link TlsFiles} folder, for a TLS peer
	 * @return the command
	 */
	public List<String> command(String java, List<String> jvmFlags, String classPath, Path tlsFolder) {
		if (tls() && tlsFolder == null) {
			throw new IllegalArgumentException("Peer '" + this.name + "' serves TLS: it needs the certificate's folder");
		}
		List<String> command = new ArrayList<>();
		command.add(java);
		command.addAll(jvmFlags);
		if (this.mainClass != null) {
			command.add("-cp");
			command.add(classPath);
			command.add(this.mainClass);
			command.addAll(this.args);
			if (tls()) {
				command.add(tlsFolder.toAbsolutePath().toString());
			}
		}
		else {
			command.add("-jar");
			command.add(this.jar.toAbsolutePath().toString());
			command.addAll(this.args);
			// Port 0: a port picked beforehand could be taken by another process before the app binds it.
			command.add("--conn-listener.listeners." + LISTENER + ".port=0");
			if (tls()) {
				String bundle = "--spring.ssl.bundle.pem." + TLS_BUNDLE + ".keystore.";
				command.add(bundle + "certificate=file:" + tlsFolder.resolve(TlsFiles.CERTIFICATE).toAbsolutePath());
				command.add(bundle + "private-key=file:" + tlsFolder.resolve(TlsFiles.PRIVATE_KEY).toAbsolutePath());
			}
		}
		return command;
	}

}
