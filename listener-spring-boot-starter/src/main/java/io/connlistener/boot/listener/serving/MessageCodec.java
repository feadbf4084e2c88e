package io.connlistener.boot.listener.serving;

import java.nio.ByteBuffer;
import java.nio.charset.Charset;

/**
 * How a message handler's type turns frames into messages and messages into payloads:
 * one constant per type a {@link io.connlistener.boot.handler.MessageHandler} may take.
 */
enum MessageCodec {

	/**
	 * {@link String} messages, in the listener's character set.
	 */
	STRING(String.class) {

		@Override
		Object decode(ByteBuffer frame, Charset charset) {
			return new String(frame.array(), frame.arrayOffset() + frame.position(), frame.remaining(), charset);
		}

	},

	/**
	 * {@code byte[]} messages, exactly the frame's payload.
	 */
	BYTES(byte[].class) {

		@Override
		Object decode(ByteBuffer frame, Charset charset) {
			byte[] array = frame.array();
			if (frame.arrayOffset() == 0 && frame.position() == 0 && frame.remaining() == array.length) {
				return array;
			}
			byte[] copy = new byte[frame.remaining()];
			frame.duplicate().get(copy);
			return copy;
		}

	},

	/**
	 * {@link ByteBuffer} messages: a heap buffer holding exactly the frame's payload.
	 */
	BYTE_BUFFER(ByteBuffer.class) {

		@Override
		Object decode(ByteBuffer frame, Charset charset) {
			return frame;
		}

	};

	private final Class<?> type;

	MessageCodec(Class<?> type) {
		this.type = type;
	}

	/**
	 * Return the codec of a message type.
	 * @param type the type a handler declares
	 * @return the codec, or {@code null} for a type no codec takes
	 */
	static MessageCodec of(Class<?> type) {
		for (MessageCodec codec : values()) {
			if (codec.type == type) {
				return codec;
			}
		}
		return null;
	}

	/**
	 * Turn a decoded frame into a message.
	 * @param frame the frame's payload, a heap buffer
	 * @param charset the listener's character set
	 * @return the message
	 */
	abstract Object decode(ByteBuffer frame, Charset charset);

	/**
	 * Turn a message of any type a codec takes into the payload to frame. A buffer is
	 * copied, as it is sent later from another thread; an array is not.
	 * @param message the message
	 * @param charset the listener's character set
	 * @return the payload
	 * @throws IllegalArgumentException for a message of another type
	 */
	static ByteBuffer encode(Object message, Charset charset) {
		if (message instanceof String text) {
			return ByteBuffer.wrap(text.getBytes(charset));
		}
		if (message instanceof byte[] bytes) {
			return ByteBuffer.wrap(bytes);
		}
		if (message instanceof ByteBuffer buffer) {
			return ByteBuffer.allocate(buffer.remaining()).put(buffer.duplicate()).flip();
		}
		throw new IllegalArgumentException("A message must be a String, a byte[] or a ByteBuffer, not "
				+ ((message != null) ? message.getClass().getName() : "null"));
	}

}
