/**
 * Failure analysis of listeners that cannot be configured or bound.
 */
package io.connlistener.boot.diagnostics;
