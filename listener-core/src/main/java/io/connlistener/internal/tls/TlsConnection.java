package io.connlistener.internal.tls;

import java.io.EOFException;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.channels.ClosedChannelException;
import java.nio.channels.SelectionKey;
import java.nio.channels.SocketChannel;

import javax.net.ssl.SSLEngine;
import javax.net.ssl.SSLEngineResult;
import javax.net.ssl.SSLEngineResult.HandshakeStatus;
import javax.net.ssl.SSLException;
import javax.net.ssl.SSLSession;

import io.connlistener.tls.TlsInfo;

/**
 * One TLS connection over a socket, driven through its {@link SSLEngine}: the handshake,
 * step by step, for the listener's handshake stage, then the reads and writes of plaintext
 * behind {@link io.connlistener.tls.TlsChannel}.
 * <p>
 * Three buffers, each no larger than the session's packet or application buffer size: the
 * records read and not yet unwrapped, the records wrapped and not yet written, and the
 * plaintext unwrapped and not yet returned. A peer cannot make them grow past those sizes:
 * an engine that asks for more fails the connection. Works on a non-blocking socket (reads
 * and writes return 0 when the socket has nothing or takes nothing) and on a blocking one.
 * <p>
 * Not thread-safe: one thread at a time, the loop's.
 */
public final class TlsConnection {

	/** What a handshake step waits for. */
	public enum HandshakeStep {

		/** Bytes from the peer: watch the socket for reading. */
		READ,

		/** Room in the socket for the records wrapped: watch it for writing. */
		WRITE,

		/** The engine's delegated tasks: run {@link #delegatedTask()}s, then step again. */
		TASK,

		/** The handshake is complete and its records are written. */
		DONE

	}

	/** Records without plaintext unwrapped in one read at most, so that a flood of them cannot hold the loop. */
	private static final int MAX_RECORDS_WITHOUT_DATA = 16;

	private static final int RECORD_HEADER_LENGTH = 5;

	private static final ByteBuffer EMPTY = ByteBuffer.allocate(0);

	/** Nothing to wrap: for what the engine sends on its own. Shared: an empty buffer never changes. */
	private static final ByteBuffer[] NOTHING = { EMPTY };

	private final SocketChannel socket;

	private final SSLEngine engine;

	private final String serverName;

	/** The largest record, as the session said when the handshake began. */
	private final int packetSize;

	/** Records read and not yet unwrapped; read mode. */
	private ByteBuffer netIn;

	/** Records wrapped and not yet written; read mode. */
	private ByteBuffer netOut;

	/** Plaintext unwrapped and not yet returned; read mode. */
	private ByteBuffer appIn;

	private final ByteBuffer[] single = new ByteBuffer[1];

	/** What the handshake settled; {@code null} until it completed. */
	private TlsInfo info;

	/** The socket reached the end of its stream; records read before may still wait. */
	private boolean socketEnded;

	/** The peer sent close_notify, or the stream ended after the last record. */
	private boolean inputEnded;

	/** {@code -1} has been returned for the end of the input. */
	private boolean endReported;

	/** The engine asks to wrap (a post-handshake message, close_notify) and the output holds a record already. */
	private boolean wrapPending;

	private boolean outputShut;

	private boolean closed;

	private IOException failure;

	/** Bytes of records read from the socket, the ClientHello included. */
	private long socketBytesRead;

	/** Bytes of records written to the socket. */
	private long socketBytesWritten;

	/**
	 * Create the connection of an engine whose handshake has begun.
	 * @param socket the socket the records travel on
	 * @param engine a server engine, {@link SSLEngine#beginHandshake() handshake begun}
	 * @param received bytes already read from the socket (the ClientHello), to read from
	 * @param serverName the SNI host name of the ClientHello, or {@code null}
	 */
	public TlsConnection(SocketChannel socket, SSLEngine engine, ByteBuffer received, String serverName) {
		this.socket = socket;
		this.engine = engine;
		this.serverName = serverName;
		SSLSession session = engine.getSession();
		this.socketBytesRead = received.remaining();
		this.netIn = ByteBuffer.allocate(Math.max(session.getPacketBufferSize(), received.remaining())).put(received)
			.flip();
		this.packetSize = session.getPacketBufferSize();
		// Room for a flight of records during the handshake; one record's afterwards.
		this.netOut = ByteBuffer.allocate(2 * this.packetSize).flip();
		this.appIn = ByteBuffer.allocate(session.getApplicationBufferSize()).flip();
	}

	/**
	 * Drive the handshake as far as it goes without waiting: write what was wrapped, unwrap
	 * what was read, read what the socket holds.
	 * @return what the handshake waits for, or {@link HandshakeStep#DONE}
	 * @throws SSLException if the handshake fails
	 * @throws EOFException if the peer closes during the handshake
	 * @throws IOException if the socket fails
	 */
	public HandshakeStep handshake() throws IOException {
		boolean wrapped = false;
		while (true) {
			HandshakeStatus status = this.engine.getHandshakeStatus();
			// The records of one flight (the JDK wraps a ServerHello flight as three) go out
			// in one write: the next is wrapped into the room left first, while there is room.
			boolean wrapsMore = wrapped && status == HandshakeStatus.NEED_WRAP
					&& this.netOut.capacity() - this.netOut.remaining() >= this.packetSize;
			if (this.netOut.hasRemaining() && !wrapsMore) {
				writeSocket();
				if (this.netOut.hasRemaining()) {
					return HandshakeStep.WRITE;
				}
			}
			wrapped = false;
			switch (status) {
				case NEED_TASK -> {
					return HandshakeStep.TASK;
				}
				case NEED_WRAP -> {
					int pending = this.netOut.remaining();
					wrap(NOTHING, 0, 1);
					wrapped = this.netOut.remaining() > pending;
				}
				case NEED_UNWRAP, NEED_UNWRAP_AGAIN -> {
					if (unwrapHandshake() && readSocket() == 0) {
						return HandshakeStep.READ;
					}
				}
				default -> {
					// NOT_HANDSHAKING: begun, so complete.
					handshaken();
					return HandshakeStep.DONE;
				}
			}
		}
	}

	/**
	 * Return a task the engine delegated, to run off the loop.
	 * @return the task, or {@code null} when none is left
	 */
	public Runnable delegatedTask() {
		return this.engine.getDelegatedTask();
	}

	/**
	 * Send an alert the engine prepared after a failure, as far as the socket takes it now.
	 */
	public void sendAlertQuietly() {
		try {
			if (!this.netOut.hasRemaining() && !this.socket.isBlocking()) {
				this.netOut.compact();
				try {
					this.engine.wrap(EMPTY, this.netOut);
				}
				finally {
					this.netOut.flip();
				}
			}
			if (this.netOut.hasRemaining() && !this.socket.isBlocking()) {
				writeSocket();
			}
		}
		catch (IOException | RuntimeException ex) {
			// The alert is a courtesy to a peer that failed; the connection closes either way.
		}
	}

	public SocketChannel socket() {
		return this.socket;
	}

	/**
	 * Return the session, the SNI host name and the ALPN protocol, once the handshake is done.
	 * @return the information, or {@code null} before
	 */
	public TlsInfo info() {
		return this.info;
	}

	/**
	 * Read plaintext.
	 * @param dst where to put it
	 * @return the bytes read; 0 when none is there now; -1 at the end of the input
	 * @throws IOException if the socket or the engine fails, or the peer renegotiates
	 */
	public int read(ByteBuffer dst) throws IOException {
		checkUsable();
		if (this.appIn.hasRemaining()) {
			return drainAppIn(dst);
		}
		if (this.inputEnded) {
			this.endReported = true;
			return -1;
		}
		if (!dst.hasRemaining()) {
			return 0;
		}
		try {
			// A loop reads a bounded number of records per call; a blocking caller waits for data.
			boolean blocking = this.socket.isBlocking();
			for (int steps = 0; blocking || steps < MAX_RECORDS_WITHOUT_DATA; steps++) {
				if (this.wrapPending && !flush()) {
					// A post-handshake answer waits for the socket: read no further meanwhile.
					return 0;
				}
				if (hasWholeRecord(this.netIn)) {
					int produced = unwrap(dst);
					if (produced < 0) {
						this.endReported = true;
					}
					if (produced != 0) {
						return produced;
					}
					continue;
				}
				if (this.socketEnded) {
					// Without close_notify: a truncation the peer may have meant as a close; the end either way.
					this.inputEnded = true;
					this.endReported = true;
					return -1;
				}
				if (readSocket() == 0) {
					return 0;
				}
			}
			return 0;
		}
		catch (IOException ex) {
			throw failed(ex);
		}
	}

	/**
	 * Encrypt plaintext and write the records as far as the socket takes them, one record
	 * of at most 16 KiB of plaintext at a time.
	 * @param srcs the plaintext
	 * @param offset the first buffer
	 * @param length how many buffers
	 * @return the plaintext bytes taken; 0 while records are still pending on the socket
	 * @throws IOException if the socket or the engine fails
	 */
	public long write(ByteBuffer[] srcs, int offset, int length) throws IOException {
		checkUsable();
		if (this.outputShut) {
			throw new ClosedChannelException();
		}
		try {
			long taken = 0;
			while (flush() && remaining(srcs, offset, length)) {
				int consumed = wrap(srcs, offset, length);
				if (consumed == 0) {
					break;
				}
				taken += consumed;
			}
			return taken;
		}
		catch (IOException ex) {
			throw failed(ex);
		}
	}

	/**
	 * Encrypt plaintext and write the records as far as the socket takes them.
	 * @param src the plaintext
	 * @return the plaintext bytes taken
	 * @throws IOException if the socket or the engine fails
	 */
	public int write(ByteBuffer src) throws IOException {
		this.single[0] = src;
		try {
			return (int) write(this.single, 0, 1);
		}
		finally {
			this.single[0] = null;
		}
	}

	/**
	 * Write the pending records, and wrap and write what the engine asks to send on its own
	 * (a key update, close_notify).
	 * @return {@code true} when nothing is left to write
	 * @throws IOException if the socket or the engine fails
	 */
	public boolean flush() throws IOException {
		checkUsable();
		try {
			while (true) {
				if (this.netOut.hasRemaining()) {
					writeSocket();
					if (this.netOut.hasRemaining()) {
						return false;
					}
				}
				if (!this.wrapPending) {
					return true;
				}
				this.wrapPending = false;
				wrap(NOTHING, 0, 1);
				if (!this.netOut.hasRemaining()) {
					// Nothing came of it: the engine had nothing more to send.
					this.wrapPending = false;
					return true;
				}
			}
		}
		catch (IOException ex) {
			throw failed(ex);
		}
	}

	/**
	 * Return the bytes of records read from the socket so far, the ClientHello included.
	 * @return the count
	 */
	public long socketBytesRead() {
		return this.socketBytesRead;
	}

	/**
	 * Return the bytes of records written to the socket so far, the handshake's included.
	 * @return the count
	 */
	public long socketBytesWritten() {
		return this.socketBytesWritten;
	}

	/**
	 * Return whether plaintext, whole records or the end of the input wait to be read without
	 * the socket being readable.
	 * @return {@code true} if a read may return without the socket being readable
	 */
	public boolean hasBufferedInput() {
		if (this.closed || this.failure != null) {
			return false;
		}
		if (this.appIn.hasRemaining() || (this.inputEnded && !this.endReported)) {
			return true;
		}
		// As read() goes: no further while an answer waits for the socket.
		return !this.inputEnded && !this.wrapPending && (hasWholeRecord(this.netIn) || this.socketEnded);
	}

	/**
	 * Return what the connection needs from the socket to make progress.
	 * @return {@link SelectionKey#OP_READ}, and {@link SelectionKey#OP_WRITE} while records
	 * wait to be written
	 */
	public int interestOps() {
		if (this.closed || this.failure != null) {
			return 0;
		}
		boolean writing = this.netOut.hasRemaining() || this.wrapPending;
		int ops = writing ? SelectionKey.OP_WRITE : 0;
		if (!this.inputEnded && !this.wrapPending) {
			ops |= SelectionKey.OP_READ;
		}
		return ops;
	}

	/**
	 * Return whether records wait to be written.
	 * @return {@code true} while the socket has not taken every record
	 */
	public boolean hasPendingOutput() {
		return this.failure == null && !this.closed && (this.netOut.hasRemaining() || this.wrapPending);
	}

	/**
	 * Queue close_notify: the next {@link #flush()} sends it. Writing fails afterwards.
	 */
	public void shutdownOutput() {
		if (!this.outputShut) {
			this.outputShut = true;
			this.engine.closeOutbound();
			this.wrapPending = true;
		}
	}

	/**
	 * Send close_notify as far as a non-blocking socket takes it now, then close the socket.
	 * @throws IOException if closing the socket fails
	 */
	public void close() throws IOException {
		if (this.closed) {
			return;
		}
		try {
			if (this.failure == null && this.info != null && this.socket.isOpen() && !this.socket.isBlocking()) {
				shutdownOutput();
				flush();
			}
		}
		catch (IOException | RuntimeException ex) {
			// close_notify is a courtesy; the socket closes either way.
		}
		finally {
			this.closed = true;
			this.socket.close();
		}
	}

	public boolean isOpen() {
		return !this.closed && this.socket.isOpen();
	}

	private void handshaken() {
		if (!this.netOut.hasRemaining() && this.netOut.capacity() > this.packetSize) {
			this.netOut = ByteBuffer.allocate(this.packetSize).flip();
		}
		String protocol = this.engine.getApplicationProtocol();
		this.info = new TlsInfo(this.engine.getSession(), this.serverName,
				(protocol == null || protocol.isEmpty()) ? null : protocol);
	}

	/**
	 * Unwrap one handshake record.
	 * @return {@code true} if the engine needs more bytes than were read
	 */
	private boolean unwrapHandshake() throws IOException {
		SSLEngineResult result = unwrapInto(this.appIn);
		return switch (result.getStatus()) {
			case BUFFER_UNDERFLOW -> true;
			case CLOSED -> throw new SSLException("The peer closed the connection during the handshake");
			default -> false;
		};
	}

	/**
	 * Unwrap the next record of application data, straight into the target when it has room
	 * for this record's plaintext (never longer than the record), else through the plaintext
	 * buffer.
	 * @return the plaintext bytes put into {@code dst}; 0 when the record held none or more
	 * bytes are needed; -1 at close_notify
	 */
	private int unwrap(ByteBuffer dst) throws IOException {
		boolean direct = dst.remaining() >= recordLength(this.netIn);
		int before = dst.position();
		SSLEngineResult result = unwrapInto(direct ? dst : this.appIn);
		switch (result.getStatus()) {
			case CLOSED -> {
				this.inputEnded = true;
				// TLS 1.2 answers close_notify with its own.
				this.wrapPending |= this.engine.getHandshakeStatus() == HandshakeStatus.NEED_WRAP;
				if (direct) {
					return (dst.position() > before) ? dst.position() - before : -1;
				}
				return this.appIn.hasRemaining() ? drainAppIn(dst) : -1;
			}
			case OK -> {
				postHandshake(result.getHandshakeStatus());
				if (result.bytesConsumed() == 0 && result.bytesProduced() == 0 && !this.wrapPending) {
					throw new SSLException("The engine made no progress on a whole record: " + result);
				}
			}
			default -> {
				// BUFFER_UNDERFLOW on a whole record cannot happen; BUFFER_OVERFLOW waits for the caller.
			}
		}
		if (direct) {
			return dst.position() - before;
		}
		return this.appIn.hasRemaining() ? drainAppIn(dst) : 0;
	}

	/**
	 * Handle what a record after the handshake asked for: TLS 1.3's key updates and tickets
	 * are answered, a TLS 1.2 renegotiation is refused.
	 */
	private void postHandshake(HandshakeStatus status) throws IOException {
		if (status == HandshakeStatus.NOT_HANDSHAKING || status == HandshakeStatus.FINISHED) {
			return;
		}
		if (!"TLSv1.3".equals(this.engine.getSession().getProtocol())) {
			throw new SSLException("The peer started a renegotiation, which is refused (renegotiation refused)");
		}
		HandshakeStatus next = status;
		while (next == HandshakeStatus.NEED_TASK) {
			// TLS 1.3 post-handshake messages delegate no costly task: run what there is here.
			Runnable task;
			while ((task = this.engine.getDelegatedTask()) != null) {
				task.run();
			}
			next = this.engine.getHandshakeStatus();
		}
		if (next == HandshakeStatus.NEED_WRAP) {
			// Sent by the next flush: read() and flush() see to it.
			this.wrapPending = true;
		}
	}

	/**
	 * Unwrap one record into the target, growing it, up to the session's application buffer
	 * size, when the engine asks for more room.
	 */
	private SSLEngineResult unwrapInto(ByteBuffer target) throws IOException {
		boolean plaintextBuffer = target == this.appIn;
		while (true) {
			SSLEngineResult result;
			if (plaintextBuffer) {
				this.appIn.compact();
				try {
					result = this.engine.unwrap(this.netIn, this.appIn);
				}
				finally {
					this.appIn.flip();
				}
			}
			else {
				result = this.engine.unwrap(this.netIn, target);
			}
			if (result.getStatus() != SSLEngineResult.Status.BUFFER_OVERFLOW) {
				if (result.getStatus() == SSLEngineResult.Status.BUFFER_UNDERFLOW) {
					makeRoomToRead();
				}
				return result;
			}
			int needed = this.engine.getSession().getApplicationBufferSize();
			if (!plaintextBuffer) {
				// The target is smaller than the engine wants: go through the plaintext buffer.
				plaintextBuffer = true;
			}
			else if (this.appIn.hasRemaining()) {
				// Room comes when the caller takes what is buffered.
				return result;
			}
			else if (this.appIn.capacity() < needed) {
				this.appIn = ByteBuffer.allocate(needed).flip();
			}
			else {
				throw new SSLException("The engine asked for more than " + needed + " bytes to unwrap a record");
			}
		}
	}

	/**
	 * Wrap what the engine has to send and the plaintext given, one record.
	 * @return the plaintext bytes taken
	 */
	private int wrap(ByteBuffer[] srcs, int offset, int length) throws IOException {
		while (true) {
			SSLEngineResult result;
			this.netOut.compact();
			try {
				result = this.engine.wrap(srcs, offset, length, this.netOut);
			}
			finally {
				this.netOut.flip();
			}
			switch (result.getStatus()) {
				case OK -> {
					if (this.info != null) {
						postHandshake(result.getHandshakeStatus());
					}
					return result.bytesConsumed();
				}
				case CLOSED -> {
					if (result.bytesProduced() > 0 || this.outputShut) {
						// close_notify went into the output.
						return result.bytesConsumed();
					}
					throw new SSLException("The TLS connection is closed for writing");
				}
				case BUFFER_OVERFLOW -> {
					if (this.netOut.hasRemaining()) {
						// Room comes once the socket takes what is pending.
						return 0;
					}
					int needed = this.engine.getSession().getPacketBufferSize();
					if (this.netOut.capacity() >= needed) {
						throw new SSLException("The engine asked for more than " + needed + " bytes to wrap a record");
					}
					this.netOut = ByteBuffer.allocate(needed).flip();
				}
				default -> throw new SSLException("Unexpected result of wrap: " + result);
			}
		}
	}


	private void writeSocket() throws IOException {
		this.socketBytesWritten += this.socket.write(this.netOut);
	}

	/**
	 * Read from the socket into the record buffer.
	 * @return the bytes read, or 1 at the end of the stream (which {@link #socketEnded} tells),
	 * so that the caller looks again
	 * @throws EOFException at the end of the stream during the handshake
	 */
	private int readSocket() throws IOException {
		makeRoomToRead();
		this.netIn.compact();
		int read;
		try {
			read = this.socket.read(this.netIn);
		}
		finally {
			this.netIn.flip();
		}
		if (read < 0) {
			if (this.info == null) {
				throw new EOFException("Closed by the peer during the TLS handshake");
			}
			this.socketEnded = true;
			return 1;
		}
		this.socketBytesRead += read;
		return read;
	}

	/**
	 * Make sure the record buffer has room for the rest of the record at its front, growing it
	 * up to the session's packet buffer size.
	 */
	private void makeRoomToRead() throws SSLException {
		if (this.netIn.limit() < this.netIn.capacity() || this.netIn.position() > 0) {
			return;
		}
		int needed = this.engine.getSession().getPacketBufferSize();
		if (this.netIn.capacity() >= needed) {
			throw new SSLException("A record is longer than " + needed + " bytes");
		}
		this.netIn = ByteBuffer.allocate(needed).put(this.netIn).flip();
	}

	private int drainAppIn(ByteBuffer dst) {
		int count = Math.min(dst.remaining(), this.appIn.remaining());
		int limit = this.appIn.limit();
		this.appIn.limit(this.appIn.position() + count);
		dst.put(this.appIn);
		this.appIn.limit(limit);
		return count;
	}

	private static boolean hasWholeRecord(ByteBuffer records) {
		int length = recordLength(records);
		return length >= 0 && records.remaining() >= RECORD_HEADER_LENGTH + length;
	}

	/**
	 * Return the length of the first record's payload, as its header says.
	 * @return the length, or -1 while the header is incomplete
	 */
	private static int recordLength(ByteBuffer records) {
		if (records.remaining() < RECORD_HEADER_LENGTH) {
			return -1;
		}
		int at = records.position();
		return ((records.get(at + 3) & 0xff) << 8) | (records.get(at + 4) & 0xff);
	}

	private static boolean remaining(ByteBuffer[] srcs, int offset, int length) {
		for (int i = offset; i < offset + length; i++) {
			if (srcs[i].hasRemaining()) {
				return true;
			}
		}
		return false;
	}

	private void checkUsable() throws IOException {
		if (this.closed) {
			throw new ClosedChannelException();
		}
		if (this.failure != null) {
			throw this.failure;
		}
	}

	private IOException failed(IOException ex) {
		if (this.failure == null) {
			this.failure = ex;
			if (ex instanceof SSLException) {
				sendAlertQuietly();
			}
		}
		return ex;
	}

}
