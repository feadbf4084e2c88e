package io.connlistener.buffer;

/**
 * Told by a {@link ConnectionBuffer} of a {@link BufferedConnection} when bytes are added to
 * it or taken from it other than by the connection's own socket I/O, so that the connection
 * can flush its output or read again. Called on the loop thread.
 */
interface BufferListener {

	/**
	 * Called after bytes were added to the buffer.
	 */
	void added();

	/**
	 * Called after bytes were read, drained or moved out of the buffer.
	 */
	void consumed();

}
