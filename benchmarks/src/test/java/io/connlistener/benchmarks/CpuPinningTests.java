package io.connlistener.benchmarks;

import java.nio.file.Path;
import java.util.List;

import io.connlistener.benchmarks.peers.PeerSupport;
import org.junit.jupiter.api.Test;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatIllegalArgumentException;

/**
 * Tests for {@link CpuPinning} and {@link PeerLaunch}: CPU lists, the {@code taskset} prefix
 * of each peer, and {@code --io-threads} in each kind of command.
 */
class CpuPinningTests {

	@Test
	void parsesCpuListsAsTasksetTakesThem() {
		assertThat(CpuPinning.count("0")).isEqualTo(1);
		assertThat(CpuPinning.count("0-3,6")).isEqualTo(5);
		assertThat(HarnessOptions.parse("--server-cpus", "0-3", "--client-cpus", "4-7").serverProcessors()).isEqualTo(4);
		assertThatIllegalArgumentException().isThrownBy(() -> HarnessOptions.parse("--server-cpus", "zero"))
			.withMessage("'server-cpus' must be a CPU list such as 0, 0-3 or 0,2-3, not 'zero'");
		assertThatIllegalArgumentException().isThrownBy(() -> CpuPinning.checkList("3-1", "client-cpus"))
			.withMessage("CPU range '3-1' is empty or beyond CPU 4095");
	}

	@Test
	void busyCoresAreCountedAgainstEveryProcessorOfTheMachine() {
		// A pinned harness sees fewer available processors; /proc/stat still has them all.
		assertThat(MachineInfo.onlineProcessors()).isGreaterThanOrEqualTo(Runtime.getRuntime().availableProcessors());
	}

	@Test
	void unpinnedRunsStartThePeersAsTheyAre() throws InterruptedException {
		CpuPinning pinning = CpuPinning.apply(new HarnessOptions());
		assertThat(pinning.problem()).isNull();
		assertThat(pinning.pin(List.of("java", "-version"))).containsExactly("java", "-version");
	}

	@Test
	void overlappingCpuSetsRunUnpinnedAndSaySo() throws InterruptedException {
		CpuPinning pinning = CpuPinning.apply(new HarnessOptions().serverCpus("0-1").clientCpus("1"));
		assertThat(pinning.problem()).isEqualTo("Ran unpinned: the server CPUs 0-1 and the client CPUs 1 overlap");
		assertThat(pinning.pin(List.of("java"))).containsExactly("java");
	}

	@Test
	void pinnedPeersStartBehindTaskset() throws InterruptedException {
		// CPU 0 exists everywhere; only the peers are pinned, so this test's JVM stays as it is.
		CpuPinning pinning = CpuPinning.apply(new HarnessOptions().serverCpus("0"));
		if (pinning.problem() != null) {
			assertThat(pinning.problem()).startsWith("Ran unpinned: taskset");
			return;
		}
		assertThat(pinning.pin(List.of("java", "-version"))).containsExactly("taskset", "-c", "0", "java", "-version");
		assertThat(pinning.describe()).startsWith("peers on CPUs 0 (`taskset -c`)");
	}

	@Test
	void ioThreadsReachMainClassesAsAPropertyAndJarsInPlaceOfTheirOwn() throws InterruptedException {
		PeerLaunch launch = new PeerLaunch(List.of("-Xmx1g"), 4, CpuPinning.apply(new HarnessOptions()));
		List<PeerDefinition> all = PeerDefinition.all(Path.of("app.jar"));
		PeerDefinition netty = all.stream().filter((p) -> p.name().equals(PeerDefinition.NETTY_NIO_BOSS)).findFirst().get();
		PeerDefinition app = all.stream().filter((p) -> p.name().equals(PeerDefinition.SAMPLE_APP)).findFirst().get();
		assertThat(launch.command(netty, "java", "cp", null, false)).containsExactly("java", "-Xmx1g",
				"-D" + PeerSupport.IO_THREADS + "=4", "-cp", "cp", netty.mainClass(), "nio-boss");
		assertThat(launch.command(app, "java", "cp", null, false)).contains("--conn-listener.io-threads=4")
			.doesNotContain("--conn-listener.io-threads=1");
		assertThat(launch.command(app, "java", "cp", null, true)).contains("--conn-listener.io-threads=1")
			.doesNotContain("--conn-listener.io-threads=4");
		assertThat(PeerLaunch.withIoThreads(List.of("java", "-jar", "x.jar"), true, 2)).containsExactly("java", "-jar",
				"x.jar", "--conn-listener.io-threads=2");
	}

}
