/**
 * Auto-configuration for the connection listeners' Actuator endpoint.
 */
package io.connlistener.boot.autoconfigure.endpoint;
