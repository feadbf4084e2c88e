package io.connlistener.benchmarks.peers;

import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;

import io.connlistener.ConnListener;
import io.connlistener.buffer.BufferedConnection;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.buffer.BufferedConnections;
import io.connlistener.framing.FrameEncoder;
import io.connlistener.framing.FrameHandler;
import io.connlistener.framing.FrameType;
import io.connlistener.framing.FramedHandler;
import io.connlistener.framing.Framing;
import io.connlistener.framing.FramingSettings;
import io.connlistener.loop.EventLoop;
import io.connlistener.loop.EventLoopGroup;

/**
 * A line server on listener-core: a {@link ConnListener} and a {@link BufferedConnections}
 * that share ONE {@link EventLoop}, as the Netty peers do, each connection with a
 * {@link FramedHandler} of {@link FrameType#LINE} framing (its defaults: 64 KiB, 30 s) whose
 * frame handler answers the sample app's command {@code ECHO <text>} with the text, encoded
 * into the output on the loop.
 * Accepted sockets get {@code TCP_NODELAY}, which Netty sets by default.
 */
public final class ConnListenerFramedEchoPeer {

	private ConnListenerFramedEchoPeer() {
	}

	public static void main(String[] args) throws IOException {
		FramingSettings framing = FramingSettings.builder(FrameType.LINE).build();
		LineEcho echo = new LineEcho(Framing.encoder(framing));
		EventLoopGroup group = new EventLoopGroup(1, "connlistener-framed");
		ConnListenerEchoPeer.serve(group, new BufferedConnections(group, () -> new FramedHandler(framing, echo),
				BufferedConnectionSettings.DEFAULTS, BufferedConnections.LoopChoice.ROUND_ROBIN), null);
	}

	/**
	 * Answers {@code ECHO <text>} with the text, as the sample app's commands listener does, on
	 * the loop; shared by every connection, since it keeps no state.
	 */
	static final class LineEcho implements FrameHandler {

		private static final byte[] ECHO = "ECHO ".getBytes(StandardCharsets.US_ASCII);

		private static final byte[] UNKNOWN = "ERR unknown command".getBytes(StandardCharsets.US_ASCII);

		private final FrameEncoder encoder;

		LineEcho(FrameEncoder encoder) {
			this.encoder = encoder;
		}

		@Override
		public void onFrame(BufferedConnection connection, ByteBuffer frame) {
			// The sample app's ECHO command: the rest of the line comes back.
			if (startsWithEcho(frame)) {
				this.encoder.encode(frame.position(ECHO.length), connection.output());
			}
			else {
				this.encoder.encode(ByteBuffer.wrap(UNKNOWN), connection.output());
			}
		}

		private static boolean startsWithEcho(ByteBuffer frame) {
			if (frame.remaining() < ECHO.length) {
				return false;
			}
			for (int i = 0; i < ECHO.length; i++) {
				if (frame.get(frame.position() + i) != ECHO[i]) {
					return false;
				}
			}
			return true;
		}

	}

}
