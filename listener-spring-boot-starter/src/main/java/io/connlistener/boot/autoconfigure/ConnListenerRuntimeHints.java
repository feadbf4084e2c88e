package io.connlistener.boot.autoconfigure;

import java.util.List;

import io.connlistener.boot.handler.ConnectionHandler;

import org.springframework.aot.hint.MemberCategory;
import org.springframework.aot.hint.RuntimeHints;
import org.springframework.aot.hint.RuntimeHintsRegistrar;
import org.springframework.aot.hint.TypeReference;

/**
 * {@link RuntimeHintsRegistrar} for what a native image of an application with listeners
 * reaches by reflection. The starter loads no resources of its own at run time, and makes
 * virtual threads through Spring's executor, without reflection.
 * <ul>
 * <li>The core types that core's static initializers load by name
 * ({@code EventLoop.preload}), so that they are loaded before a process out of file
 * descriptors can no longer open a class file: a new {@code preload} call in core needs its
 * types here.</li>
 * <li>{@link ConnectionHandler}, whose attribute is read reflectively to match each handler
 * bean to its listener.</li>
 * </ul>
 * The beans themselves need no hints of ours: AOT processing writes them.
 */
class ConnListenerRuntimeHints implements RuntimeHintsRegistrar {

	/**
	 * The types core loads by name, some of them in packages core does not export.
	 */
	static final List<String> PRELOADED_TYPES = List.of("io.connlistener.loop.ScheduledTask",
			"io.connlistener.loop.IoHandler", "io.connlistener.AcceptErrorReason", "io.connlistener.RejectionReason",
			"io.connlistener.AcceptedConnection", "io.connlistener.ListenerStats$AcceptError",
			"io.connlistener.proxy.ProxyHeaderParser", "io.connlistener.proxy.ProxyHeader",
			"io.connlistener.proxy.ProxyProtocolException", "io.connlistener.internal.accept.AcceptBackoff",
			"io.connlistener.internal.accept.SpareFileDescriptor", "io.connlistener.internal.accept.PendingConnection",
			"io.connlistener.internal.accept.ProxyHeaderStage$HeaderRead");

	@Override
	public void registerHints(RuntimeHints hints, ClassLoader classLoader) {
		for (String type : PRELOADED_TYPES) {
			hints.reflection().registerType(TypeReference.of(type));
		}
		hints.reflection().registerType(ConnectionHandler.class, MemberCategory.INVOKE_PUBLIC_METHODS);
	}

}
