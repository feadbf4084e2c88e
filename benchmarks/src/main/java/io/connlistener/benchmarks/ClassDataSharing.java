package io.connlistener.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.List;

/**
 * Readies a Spring Boot jar for a start on a class data sharing archive, as Spring Boot's
 * CDS recipe does: the jar is extracted ({@code java -Djarmode=tools -jar app.jar extract}),
 * started once to train with {@code -XX:ArchiveClassesAtExit} and
 * {@code -Dspring.context.exit=onRefresh} (the JVM writes the classes the context loaded as
 * it exits), and then started from the extracted jar with {@code -XX:SharedArchiveFile} and
 * {@code -Xshare:on}, so that a start the archive cannot serve fails instead of running
 * without it. What the JDK 17 baseline supports; JDK 25's AOT cache would go further.
 * <p>
 * Thread-safe: each call uses a folder of its own.
 */
final class ClassDataSharing {

	private ClassDataSharing() {
	}

	/**
	 * Extract a peer's jar into a folder, train its archive there, and return the peer that
	 * starts on them.
	 * @param peer a peer that asks for class data sharing
	 * @param folder an empty folder of the peer's own
	 * @param java the {@code java} executable
	 * @param runFlags the flags every start gets, which the training run gets too
	 * @param timeout how long the extraction and the training may each take
	 * @return the peer on the extracted jar and the archive
	 * @throws IOException if the extraction or the training failed or left no archive; the
	 * message holds the end of its output
	 * @throws InterruptedException if interrupted
	 */
	static StartupPeer prepare(StartupPeer peer, Path folder, String java, List<String> runFlags, Duration timeout)
			throws IOException, InterruptedException {
		Path extracted = folder.resolve("app");
		ToolProcess.run("The extraction of '" + peer.name() + "'", List.of(java, "-Djarmode=tools", "-jar",
				peer.jar().toAbsolutePath().toString(), "extract", "--destination", extracted.toString()),
				folder.resolve("extract.log"), timeout);
		StartupPeer extractedPeer = new StartupPeer(peer.name(), peer.label(), extracted.resolve(peer.jar().getFileName()),
				peer.jvmFlags(), peer.args(), peer.portProperty(), false);
		Path archive = folder.resolve("app.jsa");
		List<String> trainingFlags = new ArrayList<>(runFlags);
		trainingFlags.add("-XX:ArchiveClassesAtExit=" + archive);
		trainingFlags.add("-Dspring.context.exit=onRefresh");
		Path trainingLog = folder.resolve("training.log");
		ToolProcess.run("The training run of '" + peer.name() + "'", extractedPeer.command(java, trainingFlags, 0),
				trainingLog, timeout);
		if (!Files.isRegularFile(archive)) {
			throw new IOException("The training run of '" + peer.name() + "' wrote no archive; its output:\n"
					+ ToolProcess.tail(trainingLog));
		}
		List<String> flags = new ArrayList<>(peer.jvmFlags());
		flags.add("-XX:SharedArchiveFile=" + archive);
		flags.add("-Xshare:on");
		return new StartupPeer(peer.name(), peer.label(), extractedPeer.jar(), List.copyOf(flags), peer.args(),
				peer.portProperty(), false);
	}

}
