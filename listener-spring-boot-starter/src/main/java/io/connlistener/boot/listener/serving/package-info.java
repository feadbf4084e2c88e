/**
 * The handler styles a managed listener serves connections in: raw, buffered and blocking,
 * each an adapter from the tracked connection to the handler bean.
 */
package io.connlistener.boot.listener.serving;
