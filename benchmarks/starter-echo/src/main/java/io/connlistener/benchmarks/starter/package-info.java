/**
 * A Spring Boot echo server on the connlistener starter and nothing else, the counterpart of
 * the Reactor Netty echo app in the benchmarks' startup scenario.
 */
package io.connlistener.benchmarks.starter;
