/**
 * Connection handler styles and the {@code @ConnectionHandler} annotation that binds a bean to a listener.
 */
package io.connlistener.boot.handler;
