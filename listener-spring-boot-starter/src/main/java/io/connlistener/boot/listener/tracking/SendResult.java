package io.connlistener.boot.listener.tracking;

/**
 * What became of bytes or a message sent to one connection from outside its handler.
 */
public enum SendResult {

	/**
	 * Queued for writing.
	 */
	SENT,

	/**
	 * Dropped, as the connection's output was above the write high watermark: a slow client
	 * never makes a send pin memory.
	 */
	SKIPPED,

	/**
	 * Dropped, as the connection is not open: closed, closing, or still opening.
	 */
	CLOSED

}
