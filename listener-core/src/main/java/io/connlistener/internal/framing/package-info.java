/**
 * The decoders and encoders behind {@link io.connlistener.framing.Framing}. Not exported.
 */
package io.connlistener.internal.framing;
