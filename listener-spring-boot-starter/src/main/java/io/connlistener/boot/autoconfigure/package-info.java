/**
 * Auto-configuration that turns {@code conn-listener.*} properties into listener beans.
 */
package io.connlistener.boot.autoconfigure;
