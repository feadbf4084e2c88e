package io.connlistener.sample;

import java.time.Duration;
import java.util.ArrayList;
import java.util.List;
import java.util.concurrent.CopyOnWriteArrayList;
import java.util.concurrent.TimeUnit;
import java.util.concurrent.atomic.AtomicLong;
import java.util.concurrent.locks.LockSupport;

import io.connlistener.boot.test.ConnListenerClient;

/**
 * Clients that each connect, echo one line, check it and close, over and over, counting
 * what succeeds and what fails, until stopped.
 */
final class EchoLoad implements AutoCloseable {

	private final int port;

	private final long pauseNanos;

	private final int readTimeoutMillis;

	private final List<Thread> threads = new ArrayList<>();

	private final AtomicLong succeeded = new AtomicLong();

	private final List<String> failures = new CopyOnWriteArrayList<>();

	private volatile boolean running = true;

	EchoLoad(int port, int clients, long pauseMillis) {
		this(port, clients, pauseMillis, 10_000);
	}

	EchoLoad(int port, int clients, long pauseMillis, int readTimeoutMillis) {
		this.port = port;
		this.readTimeoutMillis = readTimeoutMillis;
		this.pauseNanos = TimeUnit.MILLISECONDS.toNanos(pauseMillis);
		for (int i = 0; i < clients; i++) {
			int client = i;
			Thread thread = new Thread(() -> run(client), "echo-load-" + i);
			thread.setDaemon(true);
			this.threads.add(thread);
			thread.start();
		}
	}

	private void run(int client) {
		long request = 0;
		while (this.running) {
			String line = "client-" + client + "-request-" + request++;
			try (ConnListenerClient echo = ConnListenerClient.connect(this.port)) {
				String answer = echo.timeout(Duration.ofMillis(this.readTimeoutMillis)).sendLine(line).readLine();
				if (line.equals(answer)) {
					this.succeeded.incrementAndGet();
				}
				else {
					this.failures.add(line + ": answered " + answer);
				}
			}
			catch (Exception ex) {
				this.failures.add(line + ": " + ex);
			}
			// Pacing, not synchronization: a steady request rate rather than a flood.
			LockSupport.parkNanos(this.pauseNanos);
		}
	}

	long succeeded() {
		return this.succeeded.get();
	}

	List<String> failures() {
		return this.failures;
	}

	@Override
	public void close() throws InterruptedException {
		this.running = false;
		for (Thread thread : this.threads) {
			thread.join(30_000);
		}
	}

}
