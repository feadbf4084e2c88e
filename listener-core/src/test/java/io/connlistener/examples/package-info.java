/**
 * Example programs built on listener-core alone, such as the seed's echo server.
 */
package io.connlistener.examples;
