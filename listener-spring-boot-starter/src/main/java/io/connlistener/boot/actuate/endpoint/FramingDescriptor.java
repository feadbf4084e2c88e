package io.connlistener.boot.actuate.endpoint;

import java.util.Locale;

import io.connlistener.boot.listener.ListenerFraming;
import io.connlistener.framing.FramingSettings;

/**
 * What the {@code connlisteners} endpoint shows of a listener's framing. What it rejects
 * ({@code frame-too-large}, {@code frame-timeout}, {@code malformed-frame}) is counted in
 * the listener's {@code rejections}.
 *
 * @param type how frames are delimited, as configured: {@code line}, {@code length-field}...
 * @param maxFrameSize the most payload bytes of one frame
 * @param frameTimeoutMillis how long a frame may take to arrive once started
 * @param charset the character set of {@code String} messages
 */
public record FramingDescriptor(String type, int maxFrameSize, long frameTimeoutMillis, String charset) {

	/**
	 * Describe the framing of a listener.
	 * @param framing the listener's framing, or {@code null}
	 * @return its descriptor, or {@code null} for a listener without a framing type
	 */
	public static FramingDescriptor of(ListenerFraming framing) {
		if (framing == null || !framing.isFramed()) {
			return null;
		}
		FramingSettings settings = framing.settings();
		return new FramingDescriptor(settings.type().name().toLowerCase(Locale.ROOT).replace('_', '-'),
				settings.maxFrameSize(), settings.frameTimeout().toMillis(), framing.charset().name());
	}

}
