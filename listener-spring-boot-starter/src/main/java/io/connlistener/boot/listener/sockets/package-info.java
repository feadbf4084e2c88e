/**
 * The listening sockets of a managed listener: the acceptors bound to one port, switching
 * them between accepting, paused and released, sockets adopted from systemd or a bean, and
 * Unix socket files.
 */
package io.connlistener.boot.listener.sockets;
