/**
 * A Spring Boot echo server on Reactor Netty's {@code TcpServer}, the benchmarks' startup reference.
 */
package io.connlistener.benchmarks.reactor;
