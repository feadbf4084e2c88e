package io.connlistener.benchmarks;

import java.util.List;
import java.util.Locale;

/**
 * Draws a bar chart, as hand-written SVG, of each plain peer's throughput relative to Netty
 * NIO (the median of same-round ratios), one group of bars per echo or churn scenario, with
 * a dashed line at 1.
 */
final class RatioChart {

	private static final String[] COLORS = { "#4e79a7", "#f28e2b", "#e15759", "#59a14f", "#b07aa1", "#76b7b2",
			"#edc948" };

	private static final int WIDTH = 960;

	private static final int HEIGHT = 440;

	private static final int LEFT = 60;

	private static final int RIGHT = 20;

	private static final int TOP = 60;

	private static final int BOTTOM = 70;

	private RatioChart() {
	}

	static String svg(BenchmarkResults results) {
		// Plain scenarios and peers only: the TLS ones are relative to a peer of their own.
		List<Scenario> scenarios = results.loadScenarios()
			.stream()
			.filter((scenario) -> scenario.protocol() == Protocol.PLAIN)
			.toList();
		List<PeerDefinition> peers = results.peers().stream().filter((peer) -> peer.protocol() == Protocol.PLAIN).toList();
		double max = 1.0;
		for (Scenario scenario : scenarios) {
			for (PeerDefinition peer : peers) {
				double ratio = results.sameRoundRatio(scenario, peer.name(), PeerDefinition.NETTY_NIO);
				if (!Double.isNaN(ratio)) {
					max = Math.max(max, ratio);
				}
			}
		}
		double top = Math.ceil(max * 1.1 * 4) / 4;
		int plotWidth = WIDTH - LEFT - RIGHT;
		int plotHeight = HEIGHT - TOP - BOTTOM;
		StringBuilder svg = new StringBuilder();
		svg.append(String.format(Locale.ROOT,
				"<svg xmlns=\"http://www.w3.org/2000/svg\" width=\"%d\" height=\"%d\" viewBox=\"0 0 %d %d\" "
						+ "font-family=\"sans-serif\" font-size=\"12\">%n",
				WIDTH, HEIGHT, WIDTH, HEIGHT));
		svg.append(String.format(Locale.ROOT, "<rect width=\"%d\" height=\"%d\" fill=\"white\"/>%n", WIDTH, HEIGHT));
		svg.append(String.format(Locale.ROOT,
				"<text x=\"%d\" y=\"24\" font-size=\"16\" font-weight=\"bold\">Throughput relative to Netty NIO "
						+ "(median of same-round ratios, higher is better)</text>%n",
				LEFT));
		double step = (top <= 2) ? 0.25 : (top <= 5) ? 0.5 : 1;
		for (double tick = 0; tick <= top + 1e-9; tick += step) {
			double y = TOP + plotHeight - tick / top * plotHeight;
			svg.append(String.format(Locale.ROOT,
					"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#ddd\"/>%n"
							+ "<text x=\"%d\" y=\"%.1f\" text-anchor=\"end\">%.2f</text>%n",
					LEFT, y, WIDTH - RIGHT, y, LEFT - 6, y + 4, tick));
		}
		double groupWidth = scenarios.isEmpty() ? plotWidth : (double) plotWidth / scenarios.size();
		double barWidth = (groupWidth * 0.8) / Math.max(1, peers.size());
		for (int s = 0; s < scenarios.size(); s++) {
			Scenario scenario = scenarios.get(s);
			double groupX = LEFT + s * groupWidth + groupWidth * 0.1;
			for (int p = 0; p < peers.size(); p++) {
				double ratio = results.sameRoundRatio(scenario, peers.get(p).name(), PeerDefinition.NETTY_NIO);
				if (Double.isNaN(ratio)) {
					continue;
				}
				double height = ratio / top * plotHeight;
				double x = groupX + p * barWidth;
				double y = TOP + plotHeight - height;
				svg.append(String.format(Locale.ROOT,
						"<rect x=\"%.1f\" y=\"%.1f\" width=\"%.1f\" height=\"%.1f\" fill=\"%s\"><title>%s %s: %.2f</title></rect>%n"
								+ "<text x=\"%.1f\" y=\"%.1f\" text-anchor=\"middle\" font-size=\"10\">%.2f</text>%n",
						x, y, barWidth - 2, height, COLORS[p % COLORS.length], escape(peers.get(p).name()),
						scenario.name(), ratio, x + (barWidth - 2) / 2, y - 3, ratio));
			}
			svg.append(String.format(Locale.ROOT,
					"<text x=\"%.1f\" y=\"%d\" text-anchor=\"middle\">%s</text>%n", LEFT + (s + 0.5) * groupWidth,
					TOP + plotHeight + 18, escape(scenario.describe())));
		}
		double one = TOP + plotHeight - 1 / top * plotHeight;
		svg.append(String.format(Locale.ROOT,
				"<line x1=\"%d\" y1=\"%.1f\" x2=\"%d\" y2=\"%.1f\" stroke=\"#333\" stroke-dasharray=\"6 4\"/>%n", LEFT,
				one, WIDTH - RIGHT, one));
		svg.append(String.format(Locale.ROOT,
				"<line x1=\"%d\" y1=\"%d\" x2=\"%d\" y2=\"%d\" stroke=\"#333\"/>%n", LEFT, TOP + plotHeight,
				WIDTH - RIGHT, TOP + plotHeight));
		double legendX = LEFT;
		for (int p = 0; p < peers.size(); p++) {
			String label = peers.get(p).name();
			svg.append(String.format(Locale.ROOT,
					"<rect x=\"%.1f\" y=\"%d\" width=\"12\" height=\"12\" fill=\"%s\"/>"
							+ "<text x=\"%.1f\" y=\"%d\">%s</text>%n",
					legendX, HEIGHT - 30, COLORS[p % COLORS.length], legendX + 16, HEIGHT - 20, escape(label)));
			legendX += 16 + label.length() * 6.5 + 14;
		}
		svg.append(String.format(Locale.ROOT, "<text x=\"%d\" y=\"44\" fill=\"#555\">%s, %d processors, %s</text>%n",
				LEFT, escape(results.machine().cpuModel()), results.machine().processors(),
				escape(results.startedAt().toString().substring(0, 16).replace('T', ' ') + " UTC")));
		svg.append("</svg>\n");
		return svg.toString();
	}

	private static String escape(String text) {
		return text.replace("&", "&amp;").replace("<", "&lt;").replace(">", "&gt;").replace("\"", "&quot;");
	}

}
