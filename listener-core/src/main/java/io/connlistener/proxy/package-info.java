/**
 * The PROXY protocol, versions 1 and 2: a bounded, incremental parser of the header a proxy sends before a client's
 * bytes. Pure JDK, independent of the listener.
 */
package io.connlistener.proxy;
