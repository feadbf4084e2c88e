/**
 * Health indicator for connection listeners.
 */
package io.connlistener.boot.actuate.health;
