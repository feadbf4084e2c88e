/**
 * A benchmark harness that runs echo servers as child JVMs and loads them from a NIO load
 * generator on loopback.
 */
package io.connlistener.benchmarks;
