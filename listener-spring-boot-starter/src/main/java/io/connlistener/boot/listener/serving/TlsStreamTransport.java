package io.connlistener.boot.listener.serving;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.SelectionKey;
import java.util.concurrent.locks.ReentrantLock;

import io.connlistener.buffer.TrafficCounter;
import io.connlistener.tls.TlsChannel;

/**
 * Reads and writes plaintext through core's {@link TlsChannel}, which is not thread-safe:
 * every call on it holds one lock, briefly, as each returns at once, so that a thread may
 * read while another writes. A read may need the socket writable (a TLS 1.3 key update to
 * answer), which {@link #readInterest()} says.
 * <p>
 * The bytes counted are the records on the socket, the handshake's (which core ran before
 * the transport was made) and the close_notify included: after each call, under the lock,
 * what the channel moved since the last call is told to the {@link TrafficCounter}.
 */
final class TlsStreamTransport implements StreamTransport {

	private final TlsChannel tls;

	private final TrafficCounter traffic;

	private final ReentrantLock lock = new ReentrantLock();

	/** Reading thread only: what the last read that returned 0 waits for. */
	private int readInterest = SelectionKey.OP_READ;

	/**
	 * The channel's totals as last counted: written under the lock at the end of every
	 * call, read without it, so that the streams' progress checks take no lock of their own.
	 */
	private volatile long countedReceived;

	private volatile long countedSent;

	TlsStreamTransport(TlsChannel tls) {
		this(tls, TrafficCounter.NONE);
	}

	TlsStreamTransport(TlsChannel tls, TrafficCounter traffic) {
		this.tls = tls;
		this.traffic = traffic;
	}

	@Override
	public int read(ByteBuffer dst) throws IOException {
		this.lock.lock();
		try {
			int read = this.tls.read(dst);
			if (read == 0) {
				this.readInterest = interestAfterEmptyRead();
			}
			return read;
		}
		finally {
			count();
			this.lock.unlock();
		}
	}

	private int interestAfterEmptyRead() throws IOException {
		if (this.tls.hasBufferedInput()) {
			return 0;
		}
		int ops = this.tls.interestOps();
		if ((ops & SelectionKey.OP_WRITE) != 0 && this.tls.flush()) {
			ops = this.tls.interestOps();
		}
		return (ops != 0) ? ops : SelectionKey.OP_READ;
	}

	@Override
	public int readInterest() {
		return this.readInterest;
	}

	@Override
	public int write(ByteBuffer src) throws IOException {
		this.lock.lock();
		try {
			// Records held from the last call go first: the channel takes nothing meanwhile.
			return this.tls.flush() ? this.tls.write(src) : 0;
		}
		finally {
			count();
			this.lock.unlock();
		}
	}

	@Override
	public boolean flush() throws IOException {
		this.lock.lock();
		try {
			return this.tls.flush();
		}
		finally {
			count();
			this.lock.unlock();
		}
	}

	/**
	 * Tell the counter what the channel moved since the last call. Under the lock.
	 */
	private void count() {
		long received = this.tls.socketBytesRead();
		if (received != this.countedReceived) {
			this.traffic.received(received - this.countedReceived);
			this.countedReceived = received;
		}
		long sent = this.tls.socketBytesWritten();
		if (sent != this.countedSent) {
			this.traffic.sent(sent - this.countedSent);
			this.countedSent = sent;
		}
	}

	@Override
	public long receivedOnSocket() {
		return this.countedReceived;
	}

	@Override
	public long sentOnSocket() {
		return this.countedSent;
	}

	@Override
	public void close() {
		this.lock.lock();
		try {
			this.tls.close();
		}
		catch (IOException | RuntimeException ex) {
			// The peer is gone: there is no one to say goodbye to.
		}
		finally {
			count();
			this.lock.unlock();
		}
	}

}
