package io.connlistener.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.List;
import java.util.concurrent.TimeUnit;

import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.Timeout;
import org.junit.jupiter.api.io.TempDir;
import org.junit.jupiter.params.ParameterizedTest;
import org.junit.jupiter.params.provider.ValueSource;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIOException;
import static org.junit.jupiter.api.Assumptions.assumeTrue;

/**
 * Tests for {@link StartupRun}: the Reactor Netty echo application and the one on the starter
 * alone (both built before this module in the reactor), each started once as a child JVM,
 * measured to its first echoed byte; and a start that fails, reported with its output rather
 * than waited for.
 */
class StartupRunTests {

	private static final String JAVA = Path.of(System.getProperty("java.home"), "bin", "java").toString();

	@TempDir
	Path folder;

	@ParameterizedTest
	@ValueSource(strings = { StartupPeer.REACTOR_NETTY_APP, StartupPeer.STARTER_ECHO_APP })
	@Timeout(value = 120, unit = TimeUnit.SECONDS)
	void measuresAnAppFromItsSpawnToItsFirstEchoedByte(String name) throws Exception {
		HarnessOptions options = new HarnessOptions();
		Path jar = name.equals(StartupPeer.REACTOR_NETTY_APP) ? options.reactorNettyJar() : options.starterEchoJar();
		assumeTrue(Files.isRegularFile(jar), "no " + jar + ": build the reactor with ./mvnw -B -ntp package first");
		StartupPeer peer = peer(name, jar);
		long before = System.nanoTime();
		StartupResult start = StartupRun.measure(peer, (port) -> peer.command(JAVA, List.of("-Xmx256m"), port),
				Duration.ofSeconds(90));
		double elapsed = (System.nanoTime() - before) / 1e6;
		assertThat(start.millis()).isPositive().isLessThan(elapsed);
		assertThat(start.cpuSeconds()).isPositive();
	}

	@Test
	@Timeout(value = 180, unit = TimeUnit.SECONDS)
	void startsAnAppFromItsExtractedJarOnTheArchiveItsTrainingRunWrote() throws Exception {
		HarnessOptions options = new HarnessOptions();
		assumeTrue(Files.isRegularFile(options.reactorNettyJar()), "no " + options.reactorNettyJar()
				+ ": build the reactor with ./mvnw -B -ntp package first");
		// A dynamic archive sits on the JDK's own; some builds of the JDK ship none.
		assumeTrue(Files.isRegularFile(Path.of(System.getProperty("java.home"), "lib", "server", "classes.jsa")),
				"this JDK has no default CDS archive to build on");
		StartupPeer peer = peer(StartupPeer.REACTOR_NETTY_APP_CDS, options.reactorNettyJar());
		assertThat(peer.classDataSharing()).isTrue();
		StartupPeer prepared = ClassDataSharing.prepare(peer, this.folder, JAVA, List.of("-Xmx256m"),
				Duration.ofSeconds(90));
		Path archive = this.folder.resolve("app.jsa");
		assertThat(archive).isRegularFile();
		assertThat(prepared.jar()).isRegularFile().startsWith(this.folder);
		assertThat(prepared.jvmFlags()).containsExactly("-XX:SharedArchiveFile=" + archive, "-Xshare:on");
		assertThat(prepared.classDataSharing()).isFalse();
		// -Xshare:on: a start the archive could not serve would exit instead.
		StartupResult start = StartupRun.measure(prepared, (port) -> prepared.command(JAVA, List.of("-Xmx256m"), port),
				Duration.ofSeconds(90));
		assertThat(start.millis()).isPositive();
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void aJarThatCannotBeExtractedFailsItsPreparationWithTheOutput() throws IOException {
		Path notAJar = Files.writeString(this.folder.resolve("broken.jar"), "not a jar");
		StartupPeer peer = peer(StartupPeer.SAMPLE_APP_CDS, notAJar);
		Path work = Files.createDirectory(this.folder.resolve("work"));
		assertThatIOException()
			.isThrownBy(() -> ClassDataSharing.prepare(peer, work, JAVA, List.of(), Duration.ofSeconds(30)))
			.withMessageStartingWith("The extraction of 'sample-app-cds' exited with 1; its output:")
			.withMessageContaining("broken.jar");
	}

	@Test
	@Timeout(value = 60, unit = TimeUnit.SECONDS)
	void aStartThatExitsFailsWithItsOutput() throws IOException {
		Path notAJar = Files.writeString(this.folder.resolve("broken.jar"), "not a jar");
		StartupPeer peer = peer(StartupPeer.SAMPLE_APP, notAJar);
		assertThatIOException()
			.isThrownBy(() -> StartupRun.measure(peer, (port) -> peer.command(JAVA, List.of(), port), Duration.ofSeconds(30)))
			.withMessageContaining("Peer 'sample-app' exited before it echoed")
			.withMessageContaining("broken.jar");
	}

	private static StartupPeer peer(String name, Path jar) {
		StartupPeer known = StartupPeer.all(jar, jar, jar).stream().filter((p) -> p.name().equals(name)).findFirst().get();
		return new StartupPeer(known.name(), known.label(), jar, known.jvmFlags(), known.args(), known.portProperty(),
				known.classDataSharing());
	}

}
