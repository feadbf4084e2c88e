/**
 * Micrometer observations of connection listeners: each connection's setup and each call of a
 * message handler.
 */
package io.connlistener.boot.observation;
