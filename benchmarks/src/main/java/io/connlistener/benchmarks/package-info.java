/**
 * JMH benchmarks of listener-core's hot paths; run from the shaded jar, never during the build.
 */
package io.connlistener.benchmarks;
