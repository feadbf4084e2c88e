package io.connlistener.boot.listener;

import java.nio.charset.Charset;

import io.connlistener.framing.FramingSettings;

import org.springframework.util.Assert;

/**
 * How a listener cuts the bytes of its connections into messages for a message handler,
 * checked and resolved from configuration.
 *
 * @param settings the core's framing settings, or {@code null} when no
 * {@code framing.type} is set, the listener's own or the defaults'
 * @param charset the character set of {@code String} messages
 * @param ownKey the first {@code framing.*} key the listener sets itself, relative to the
 * listener, or {@code null} when it sets none (a handler of another style refuses
 * framing the listener asks for, but not the defaults')
 */
public record ListenerFraming(FramingSettings settings, Charset charset, String ownKey) {

	/**
	 * Check the framing.
	 */
	public ListenerFraming {
		Assert.notNull(charset, "'charset' must not be null");
	}

	/**
	 * Return whether messages are framed, that is whether a type is set.
	 * @return {@code true} with a framing type
	 */
	public boolean isFramed() {
		return this.settings != null;
	}

	/**
	 * Return whether the listener sets framing keys of its own.
	 * @return {@code true} if it does
	 */
	public boolean isOwn() {
		return this.ownKey != null;
	}

}
