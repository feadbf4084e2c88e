/**
 * What a listener admits: allow and deny rules by client address, CIDR ranges, a cap per
 * address and an accept rate, checked right after accept, before any callback.
 */
package io.connlistener.admission;
