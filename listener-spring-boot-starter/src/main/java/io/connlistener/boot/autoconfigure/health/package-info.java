/**
 * Auto-configuration for the connection listeners' health indicator.
 */
package io.connlistener.boot.autoconfigure.health;
