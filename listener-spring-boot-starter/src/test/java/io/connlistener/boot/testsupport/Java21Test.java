package io.connlistener.boot.testsupport;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.Tag;
import org.junit.jupiter.api.Test;
import org.junit.jupiter.api.condition.EnabledForJreRange;
import org.junit.jupiter.api.condition.JRE;

/**
 * A test of what needs Java 21 or later (virtual threads). It is skipped on the Java 17 the
 * build runs on, and tagged {@value #TAG}, the group the {@code java21-tests} execution of
 * the starter's build runs again on a second JDK when one is installed (see the README).
 */
@Target(ElementType.METHOD)
@Retention(RetentionPolicy.RUNTIME)
@Documented
@Test
@EnabledForJreRange(min = JRE.JAVA_21)
@Tag(Java21Test.TAG)
public @interface Java21Test {

	/** The tag the build's second JDK run selects. */
	String TAG = "java21";

}
