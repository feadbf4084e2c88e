package io.connlistener.benchmarks;

/**
 * What a peer serves and a scenario speaks: a peer runs the scenarios of its protocol only.
 */
public enum Protocol {

	/** Bytes echoed as they come, over plain TCP. */
	PLAIN,

	/** Bytes echoed over TLS. */
	TLS,

	/** Lines ended by {@code \r\n}, each {@code ECHO <text>} answered with the text by a message handler. */
	FRAMED

}
