package io.connlistener.benchmarks;

import java.io.IOException;
import java.nio.file.Files;
import java.nio.file.Path;
import java.time.Duration;
import java.util.Locale;

/**
 * The machine and JVM a run happened on, as the report states them.
 *
 * @param processors available processors ({@code nproc})
 * @param cpuModel the first {@code model name} of {@code /proc/cpuinfo}
 * @param memory {@code MemTotal} of {@code /proc/meminfo}
 * @param jvm the JVM's name and version
 * @param os the operating system's name and version
 */
public record MachineInfo(int processors, String cpuModel, String memory, String jvm, String os) {

	/**
	 * Describe this machine.
	 * @return the description
	 */
	public static MachineInfo current() {
		return new MachineInfo(Runtime.getRuntime().availableProcessors(), procField("/proc/cpuinfo", "model name"),
				memory(procField("/proc/meminfo", "MemTotal")),
				System.getProperty("java.vm.name") + " " + System.getProperty("java.runtime.version") + " ("
						+ System.getProperty("java.vm.vendor") + ")",
				System.getProperty("os.name") + " " + System.getProperty("os.version") + " "
						+ System.getProperty("os.arch"));
	}

	/**
	 * Return the load averages of {@code /proc/loadavg}: a sign of other work on the machine.
	 * @return for example {@code 1.52 1.10 0.80}, or {@code unknown}
	 */
	public static String loadAverage() {
		try {
			String[] fields = Files.readString(Path.of("/proc/loadavg")).trim().split("\\s+");
			return fields[0] + " " + fields[1] + " " + fields[2];
		}
		catch (IOException | RuntimeException ex) {
			return "unknown";
		}
	}

	/**
	 * Return the machine's CPU time so far from the first line of {@code /proc/stat}: busy
	 * (everything but idle and iowait, so including the softirq time the kernel spends on
	 * loopback traffic, which no process is charged for) and total.
	 * @return clock ticks {@code {busy, total}}, or {@code {-1, -1}} if unknown
	 */
	public static long[] cpuTicks() {
		try {
			String line = Files.readAllLines(Path.of("/proc/stat")).get(0);
			String[] fields = line.trim().split("\\s+");
			long total = 0;
			for (int i = 1; i < fields.length && i <= 8; i++) {
				total += Long.parseLong(fields[i]);
			}
			long idle = Long.parseLong(fields[4]) + Long.parseLong(fields[5]);
			return new long[] { total - idle, total };
		}
		catch (IOException | RuntimeException ex) {
			return new long[] { -1, -1 };
		}
	}

	/**
	 * Return how many processors the machine has online, from the {@code cpuN} lines of
	 * {@code /proc/stat}: unlike {@link Runtime#availableProcessors()}, not fewer in a process
	 * pinned to some of them, so that busy cores are counted against the whole machine.
	 * @return the count, or {@link Runtime#availableProcessors()} if unknown
	 */
	public static int onlineProcessors() {
		try {
			long cpus = Files.readAllLines(Path.of("/proc/stat")).stream()
				.filter((line) -> line.startsWith("cpu") && line.length() > 3 && Character.isDigit(line.charAt(3)))
				.count();
			return (cpus > 0) ? (int) cpus : Runtime.getRuntime().availableProcessors();
		}
		catch (IOException | RuntimeException ex) {
			return Runtime.getRuntime().availableProcessors();
		}
	}

	/**
	 * Measure how many cores the machine keeps busy over an interval: with nothing of the
	 * benchmark running, that is other people's work, the noise.
	 * @param interval how long to watch
	 * @return busy cores on average, or {@code NaN} if unknown
	 * @throws InterruptedException if interrupted
	 */
	public static double busyCores(Duration interval) throws InterruptedException {
		long[] from = cpuTicks();
		Thread.sleep(interval.toMillis());
		long[] to = cpuTicks();
		if (from[1] < 0 || to[1] <= from[1]) {
			return Double.NaN;
		}
		return onlineProcessors() * (to[0] - from[0]) / (double) (to[1] - from[1]);
	}

	/**
	 * Return this process's soft limit on open files ({@code ulimit -n}), which the peers
	 * inherit.
	 * @return the limit, or {@code Long.MAX_VALUE} if unlimited or unknown
	 */
	public static long openFilesLimit() {
		try {
			for (String line : Files.readAllLines(Path.of("/proc/self/limits"))) {
				if (line.startsWith("Max open files")) {
					String soft = line.substring("Max open files".length()).trim().split("\\s+")[0];
					return "unlimited".equals(soft) ? Long.MAX_VALUE : Long.parseLong(soft);
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Unknown: let the run find out.
		}
		return Long.MAX_VALUE;
	}

	private static String memory(String memTotal) {
		try {
			long kibibytes = Long.parseLong(memTotal.replace("kB", "").trim());
			return String.format(Locale.ROOT, "%.1f GiB RAM", kibibytes / (1024.0 * 1024.0));
		}
		catch (NumberFormatException ex) {
			return memTotal;
		}
	}

	private static String procField(String file, String name) {
		try {
			for (String line : Files.readAllLines(Path.of(file))) {
				int colon = line.indexOf(':');
				if (colon > 0 && line.substring(0, colon).trim().equals(name)) {
					return line.substring(colon + 1).trim();
				}
			}
		}
		catch (IOException | RuntimeException ex) {
			// Reported as unknown.
		}
		return "unknown";
	}

}
