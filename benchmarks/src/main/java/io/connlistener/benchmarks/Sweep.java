package io.connlistener.benchmarks;

import java.nio.file.Path;
import java.util.ArrayList;
import java.util.List;
import java.util.Locale;
import java.util.stream.IntStream;

/**
 * One default of the starter measured against its alternatives: the sample application
 * started once per value, loaded in rotated rounds beside Netty NIO, and a rule that picks
 * the value the figures support.
 *
 * @param name short name, as in {@code --sweeps}
 * @param property the properties the values set
 * @param variants the values, smallest first, each a peer
 * @param defaultSetting the {@link Variant#setting() setting} of the current default
 * @param scenarios the load shapes that decide
 * @param rule how the figures pick a value
 * @param note what the figures cannot show, for the report; {@code null} for nothing
 */
public record Sweep(String name, String property, List<Variant> variants, String defaultSetting,
		List<Scenario> scenarios, Rule rule, String note) {

	/** How close to the fastest a value counts as fast enough: the noise of a short round. */
	public static final double TOLERANCE = 0.05;

	/**
	 * Check that the default is one of the values.
	 */
	public Sweep {
		variants = List.copyOf(variants);
		scenarios = List.copyOf(scenarios);
		if (variants.stream().noneMatch((variant) -> variant.setting().equals(defaultSetting))) {
			throw new IllegalArgumentException("Sweep '" + name + "' has no variant for its default " + defaultSetting);
		}
	}

	/**
	 * Return the sweeps of a full run.
	 * @param sampleAppJar the sample application's jar
	 * @param processors the number of processors, half of which {@code io-threads} defaults
	 * to
	 * @return the sweeps
	 */
	public static List<Sweep> all(Path sampleAppJar, int processors) {
		List<Sweep> sweeps = new ArrayList<>();
		List<Variant> loops = new ArrayList<>();
		int defaultThreads = Math.max(1, processors / 2);
		for (int threads : IntStream.of(1, defaultThreads, processors).distinct().toArray()) {
			for (boolean dedicated : new boolean[] { true, false }) {
				loops.add(variant(sampleAppJar, "io" + threads + (dedicated ? "-dedicated" : "-shared"),
						"io-threads=" + threads + ", dedicated-acceptor-loop=" + dedicated,
						"--conn-listener.io-threads=" + threads, "--conn-listener.dedicated-acceptor-loop=" + dedicated));
			}
		}
		sweeps.add(new Sweep("io-loops", "conn-listener.io-threads, conn-listener.dedicated-acceptor-loop", loops,
				"io-threads=" + defaultThreads + ", dedicated-acceptor-loop=false",
				scenarios("echo-100x64", "echo-1000x64", "churn-50x64"), Rule.FASTEST,
				"The load generator runs on the same machine and takes a core of its own, so loops beyond half "
						+ "the processors compete with it here; on a server whose clients are elsewhere they would "
						+ "compete with the kernel's TCP work instead, which the loops' system calls set off and "
						+ "which no process is charged for. That is why io-threads defaults to half the processors "
						+ "(at least 1) rather than to all of them: this machine can only tell 1 from 2."));
		sweeps.add(new Sweep("accepts-per-wakeup", "conn-listener.defaults.max-accepts-per-wakeup",
				sizes(sampleAppJar, "accepts", "max-accepts-per-wakeup", "", 1, 4, 16, 64), "max-accepts-per-wakeup=16",
				scenarios("churn-50x64", "churn-200x64"), Rule.FASTEST,
				"Accepts per wakeup bound how long a flood of connections keeps a loop from the connections it "
						+ "already serves, but they also cap how fast a loop busy with those connections accepts: "
						+ "a loop that takes a millisecond per pass accepts at most this many a millisecond. These "
						+ "scenarios do not load the loop with other I/O, so the rule keeps the default unless "
						+ "another value beats it, rather than prefer the smallest value."));
		sweeps.add(new Sweep("read-buffer-size", "conn-listener.defaults.buffered.read-buffer-size",
				sizes(sampleAppJar, "read", "buffered.read-buffer-size", "KB", 4, 16, 64), "buffered.read-buffer-size=16KB",
				scenarios("echo-100x4k", "echo-10x64k"), Rule.SMALLEST_FAST_ENOUGH,
				"Segments are pooled per loop and taken only while data is buffered, so an idle connection holds "
						+ "none; a larger segment costs direct memory for every connection with data in flight."));
		sweeps.add(new Sweep("write-watermarks",
				"conn-listener.defaults.buffered.write-high-watermark (write-low-watermark at half of it)",
				watermarks(sampleAppJar, 16, 64, 256), "buffered.write-high-watermark=16KB",
				scenarios("echo-10x64k", "echo-100x4k"), Rule.SMALLEST_FAST_ENOUGH,
				"The write high watermark is the most output a connection to a slow reader holds before its "
						+ "handler is told to stop producing, so it bounds memory per slow client. 16 KiB is the smallest "
						+ "value tried: below it, a handler that writes records of a few KiB would be told to stop "
						+ "after every few."));
		return sweeps;
	}

	private static List<Variant> sizes(Path jar, String prefix, String key, String unit, int... values) {
		List<Variant> variants = new ArrayList<>();
		for (int value : values) {
			String setting = key + "=" + value + unit;
			variants.add(variant(jar, prefix + "-" + value + unit.toLowerCase(Locale.ROOT), setting,
					"--conn-listener.io-threads=1", "--conn-listener.defaults." + setting));
		}
		return variants;
	}

	private static List<Variant> watermarks(Path jar, int... highKilobytes) {
		List<Variant> variants = new ArrayList<>();
		for (int high : highKilobytes) {
			variants.add(variant(jar, "write-" + high + "kb", "buffered.write-high-watermark=" + high + "KB",
					"--conn-listener.io-threads=1", "--conn-listener.defaults.buffered.write-high-watermark=" + high + "KB",
					"--conn-listener.defaults.buffered.write-low-watermark=" + (high / 2) + "KB"));
		}
		return variants;
	}

	private static Variant variant(Path jar, String name, String setting, String... properties) {
		return new Variant(setting, PeerDefinition.sampleApp(name, "the sample app with " + setting, jar, List.of(properties)));
	}

	private static List<Scenario> scenarios(String... names) {
		return List.of(names).stream().map(Scenario::parse).toList();
	}

	/**
	 * Return the variant whose setting is the default.
	 * @return the variant
	 */
	public Variant defaultVariant() {
		return this.variants.stream().filter((variant) -> variant.setting().equals(this.defaultSetting)).findFirst().get();
	}

	/**
	 * One value of a sweep.
	 *
	 * @param setting the properties as the report shows them
	 * @param peer the sample application started with them
	 */
	public record Variant(String setting, PeerDefinition peer) {

	}

	/**
	 * How a sweep's figures pick a value, from each value's throughput relative to the
	 * default (the geometric mean over the scenarios of medians of same-round ratios).
	 */
	public enum Rule {

		/**
		 * The fastest value, unless the default is within {@link #TOLERANCE} of it.
		 */
		FASTEST("the fastest value, unless the default is within " + Math.round(TOLERANCE * 100)
				+ " % of it (a lead within the noise is no reason to move a default)"),

		/**
		 * The smallest value within {@link #TOLERANCE} of the fastest: a larger one costs
		 * memory per connection, so it has to pay for itself.
		 */
		SMALLEST_FAST_ENOUGH("the smallest value within " + Math.round(TOLERANCE * 100)
				+ " % of the fastest, since a larger one costs memory per connection");

		private final String description;

		Rule(String description) {
			this.description = description;
		}

		/**
		 * Return the rule in words.
		 * @return the description
		 */
		public String description() {
			return this.description;
		}

		/**
		 * Pick a value.
		 * @param relative each value's throughput relative to the default, in the order of
		 * the values; {@code NaN} for a value not measured
		 * @param defaultIndex the index of the default
		 * @return the index of the value picked, or -1 if none was measured
		 */
		public int pick(double[] relative, int defaultIndex) {
			int fastest = -1;
			for (int i = 0; i < relative.length; i++) {
				if (!Double.isNaN(relative[i]) && (fastest < 0 || relative[i] > relative[fastest])) {
					fastest = i;
				}
			}
			if (fastest < 0) {
				return -1;
			}
			double fastEnough = relative[fastest] * (1 - TOLERANCE);
			if (this == FASTEST) {
				// A lead within the noise is no reason to move a default.
				return (relative[defaultIndex] >= fastEnough) ? defaultIndex : fastest;
			}
			for (int i = 0; i < relative.length; i++) {
				if (!Double.isNaN(relative[i]) && relative[i] >= fastEnough) {
					return i;
				}
			}
			return fastest;
		}

	}

}
