/**
 * Auto-configuration of the Micrometer observations of connection listeners.
 */
package io.connlistener.boot.autoconfigure.observation;
