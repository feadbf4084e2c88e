/**
 * Support for the tests of every module, shipped as listener-core's test jar.
 */
package io.connlistener.testsupport;
