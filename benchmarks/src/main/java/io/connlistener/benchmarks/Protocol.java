package io.connlistener.benchmarks;

/**
 * What a peer serves and a scenario speaks: a peer runs the scenarios of its protocol only.
 */
public enum Protocol {

	/** Bytes echoed as they come, over plain TCP. */
	PLAIN,

	/** Bytes echoed over TLS. */
	TLS,

	/** Lines ended by {@code \r\n}, each answered with the same line by a message handler. */
	FRAMED

}
