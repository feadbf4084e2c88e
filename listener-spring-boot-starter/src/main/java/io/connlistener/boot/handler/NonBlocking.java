package io.connlistener.boot.handler;

import java.lang.annotation.Documented;
import java.lang.annotation.ElementType;
import java.lang.annotation.Retention;
import java.lang.annotation.RetentionPolicy;
import java.lang.annotation.Target;

/**
 * Declares that a {@link MessageHandler} never blocks: no I/O, no lock held for long, no
 * sleep, no waiting on another thread. Its methods then run on the connection's event loop,
 * as a Netty handler's do, with no hand-off to a handler thread and back for each message;
 * the messages of one connection still reach it in order, one at a time, and a reply that
 * the peer does not read stops the reading as it does off the loop.
 * <p>
 * A handler that blocks anyway holds up every connection of its loop: leave this off unless
 * every path of the handler is quick. {@link MessageContext#send} never waits on the loop: it
 * returns {@code false} while the output is above the write high watermark.
 * <p>
 * Put it on the handler's class.
 */
@Target(ElementType.TYPE)
@Retention(RetentionPolicy.RUNTIME)
@Documented
public @interface NonBlocking {

}
