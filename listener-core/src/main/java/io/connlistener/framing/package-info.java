/**
 * Frames on buffered connections: decoders and encoders for lines, delimiters, length fields,
 * STX/ETX, fixed records and raw reads, bounded by default, and a handler that hands whole
 * frames on, on the loop.
 */
package io.connlistener.framing;
