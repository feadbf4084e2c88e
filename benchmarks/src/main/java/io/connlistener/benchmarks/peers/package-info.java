/**
 * Echo servers the benchmark harness starts as child JVMs, one {@code main} each.
 */
package io.connlistener.benchmarks.peers;
