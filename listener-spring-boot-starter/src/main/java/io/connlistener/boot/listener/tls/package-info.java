/**
 * TLS of a managed listener from Spring Boot SSL bundles: the contexts each handshake takes,
 * chosen by SNI host name and swapped when a bundle is reloaded, and the certificates they
 * serve.
 */
package io.connlistener.boot.listener.tls;
