/**
 * A benchmark harness that runs echo servers as child JVMs and loads them from a NIO load
 * generator on loopback, and JMH benchmarks of listener-core's hot paths; neither runs
 * during the build.
 */
package io.connlistener.benchmarks;
