/**
 * Health of connection listeners: a composite with one indicator per listener.
 */
package io.connlistener.boot.actuate.health;
