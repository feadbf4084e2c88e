package io.connlistener.boot.test;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

import org.junit.jupiter.api.extension.ExtendWith;

/**
 * Injects the port a listener has bound, its {@code local.conn-listener.<name>.port}, into a
 * field or a parameter of a Spring test class, as {@code @LocalServerPort} does for the web
 * server: for a listener with {@code port: 0} in a {@code @SpringBootTest}.
 * <pre class="code">
 * &#64;SpringBootTest(properties = "conn-listener.listeners.echo.port=0")
 * class EchoTests {
 *
 *     &#64;LocalConnListenerPort("echo")
 *     int port;
 *
 *     &#64;Test
 *     void echoes(&#64;LocalConnListenerPort("echo") int port) { ... }
 *
 * }</pre>
 * <p>
 * Unlike {@code @LocalServerPort}, which is a {@code @Value} of a fixed property, it names
 * the listener, which an annotation cannot put into a {@code @Value} placeholder; so a
 * JUnit Jupiter extension resolves it, on instance fields and on parameters of the test
 * class's constructors, test methods and lifecycle methods, from the test's application
 * context. In a bean, write {@code @Value("${local.conn-listener.echo.port}")} and read it
 * once the context has started. The field or parameter may be an {@code int}, a
 * {@code long}, a {@code String}, or anything else the environment converts a port to.
 */
@Target({ ElementType.FIELD, ElementType.PARAMETER, ElementType.ANNOTATION_TYPE })
@Retention(RetentionPolicy.RUNTIME)
@Documented
@ExtendWith(LocalConnListenerPortExtension.class)
public @interface LocalConnListenerPort {

	/**
	 * Name of the listener: its key under {@code conn-listener.listeners}.
	 * @return the listener's name
	 */
	String value();

}
