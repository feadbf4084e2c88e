/**
 * The seed's echo server as a Spring Boot application.
 */
package io.connlistener.sample;
