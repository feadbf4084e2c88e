package io.connlistener;

import java.io.BufferedReader;
import java.io.InputStreamReader;
import java.net.InetAddress;
import java.net.InetSocketAddress;
import java.nio.channels.SocketChannel;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.EnumSet;
import java.util.List;
import java.util.concurrent.atomic.AtomicInteger;

import io.connlistener.loop.EventLoop;

/**
 * A listener in its own JVM, started by {@link FdExhaustionTests} under a low
 * {@code ulimit -n}. It holds every connection it accepts until told to release them, and
 * answers commands on standard input, one line each: {@code stats}, {@code release},
 * {@code exit}. The first argument is {@code spare} (the default) to hold a spare file
 * descriptor, {@code no-spare} to go without.
 */
public final class FdExhaustionChild {

	private FdExhaustionChild() {
	}

	public static void main(String[] args) throws Exception {
		EventLoop loop = new EventLoop("child-loop");
		List<SocketChannel> held = new ArrayList<>();
		AtomicInteger errorCallbacks = new AtomicInteger();
		AtomicInteger handed = new AtomicInteger();
		boolean[] holding = { true };
		boolean spare = args.length == 0 || !args[0].equals("no-spare");
		ConnListener listener = ConnListener.builder(loop)
			.options(EnumSet.of(ListenerOption.CLOSE_ON_FREE))
			.spareFileDescriptor(spare)
			.callback((l, channel, remote) -> {
				handed.incrementAndGet();
				if (holding[0]) {
					held.add(channel);
				}
				else {
					Loopback.closeQuietly(channel);
					l.connectionClosed();
				}
			})
			.bind(new InetSocketAddress(InetAddress.getLoopbackAddress(), 0));
		listener.setErrorCallback((l, error) -> errorCallbacks.incrementAndGet());
		System.out.println("PORT " + Loopback.port(listener));
		BufferedReader commands = new BufferedReader(new InputStreamReader(System.in, StandardCharsets.UTF_8));
		String command;
		while ((command = commands.readLine()) != null) {
			switch (command) {
				case "stats" -> {
					ListenerStats stats = listener.stats();
					System.out.println("STATS accepted=" + stats.accepted() + " emfile="
							+ stats.acceptErrors(AcceptErrorReason.TOO_MANY_OPEN_FILES) + " errors=" + stats.acceptErrors()
							+ " callbacks=" + errorCallbacks.get() + " backoffMs=" + stats.currentBackoff().toMillis()
							+ " paused=" + listener.isPaused() + " active=" + stats.activeConnections() + " handed="
							+ handed.get() + " nofd=" + stats.rejections(RejectionReason.NO_FILE_DESCRIPTORS) + " spare="
							+ listener.hasSpareFileDescriptor());
				}
				case "release" -> loop.execute(() -> {
					holding[0] = false;
					for (SocketChannel channel : held) {
						Loopback.closeQuietly(channel);
						listener.connectionClosed();
					}
					held.clear();
					System.out.println("RELEASED");
				});
				case "exit" -> {
					listener.close();
					loop.close();
					return;
				}
				default -> System.out.println("UNKNOWN " + command);
			}
		}
	}

}
