/**
 * Auto-configuration for the connection listeners' meters.
 */
package io.connlistener.boot.autoconfigure.metrics;
