/**
 * Listeners managed by a Spring application context: registry, lifecycle, events and customization.
 */
package io.connlistener.boot.listener;
