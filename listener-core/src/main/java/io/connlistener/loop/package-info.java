/**
 * Event loops: one thread and one NIO selector each, with tasks and timers (libevent's {@code event_base}).
 */
package io.connlistener.loop;
