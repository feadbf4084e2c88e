/**
 * Actuator endpoint that shows connection listeners and switches them on and off.
 */
package io.connlistener.boot.actuate.endpoint;
