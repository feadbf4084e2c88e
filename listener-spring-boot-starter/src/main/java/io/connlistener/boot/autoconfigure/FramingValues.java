package io.connlistener.boot.autoconfigure;

import java.io.ByteArrayOutputStream;
import java.nio.charset.Charset;
import java.nio.charset.IllegalCharsetNameException;
import java.nio.charset.StandardCharsets;
import java.nio.charset.UnsupportedCharsetException;
import java.time.Duration;
import java.util.LinkedHashMap;
import java.util.Locale;
import java.util.Map;

import io.connlistener.boot.autoconfigure.ConnListenerProperties.Defaults;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Framing;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.LengthField;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.LengthFieldOrder;
import io.connlistener.boot.autoconfigure.ConnListenerProperties.Listener;
import io.connlistener.boot.listener.ListenerConfigurationException;
import io.connlistener.boot.listener.ListenerFraming;
import io.connlistener.boot.listener.ListenerProblem;
import io.connlistener.framing.FrameType;
import io.connlistener.framing.FramingSettings;

import org.springframework.util.unit.DataSize;

/**
 * Reads the framing values of one listener, each its own or the defaults', into a
 * {@link ListenerFraming}. A value that cannot work, or a setting the type needs that is
 * missing, is a {@link ListenerConfigurationException} with the key that holds it (or
 * should), the listener's own or the default's. Whether the handler takes framing is
 * decided where handlers are matched to listeners.
 */
final class FramingValues {

	private static final String TYPE = "framing.type";

	private static final String DELIMITER = "framing.delimiter";

	private static final String RECORD_SIZE = "framing.record-size";

	private static final String LENGTH_FIELD = "framing.length-field.";

	private final Framing own;

	private final Framing fallback;

	private final ListenerValues.Checked checked;

	FramingValues(Listener listener, Defaults defaults, ListenerValues.Checked checked) {
		this.own = listener.getFraming();
		this.fallback = defaults.getFraming();
		this.checked = checked;
	}

	/**
	 * Return the listener's framing.
	 * @param readHighWatermark the listener's read high watermark, which a whole frame must
	 * fit under: reading stops there, and the frame could never complete
	 * @return the framing, without settings when no type is set; {@code null} when neither
	 * a type nor a framing key of the listener's own is set
	 */
	ListenerFraming framing(int readHighWatermark) {
		String ownKey = firstOwnKey();
		Charset charset = charset();
		FrameType type = orElse(this.own.getType(), this.fallback.getType());
		if (type == null) {
			return (ownKey != null) ? new ListenerFraming(null, charset, ownKey) : null;
		}
		boolean typeFromDefaults = this.own.getType() == null;
		DataSize configured = orElse(this.own.getMaxFrameSize(), this.fallback.getMaxFrameSize());
		// Checked before the range: 0 or less would be no limit at all, never allowed.
		if (configured != null && configured.toBytes() <= 0) {
			throw this.checked.invalid(ListenerProblem.FRAME_SIZE_NOT_POSITIVE, "framing.max-frame-size",
					this.own.getMaxFrameSize(), configured, DataSize.ofBytes(FramingSettings.DEFAULT_MAX_FRAME_SIZE));
		}
		int maxFrameSize = this.checked.bytes("framing.max-frame-size", this.own.getMaxFrameSize(),
				this.fallback.getMaxFrameSize(), FramingSettings.DEFAULT_MAX_FRAME_SIZE);
		Duration frameTimeout = this.checked.positive("framing.frame-timeout", this.own.getFrameTimeout(),
				this.fallback.getFrameTimeout(), FramingSettings.DEFAULT_FRAME_TIMEOUT);
		FramingSettings.Builder builder = FramingSettings.builder(type)
			.maxFrameSize(maxFrameSize)
			.frameTimeout(frameTimeout);
		switch (type) {
			case DELIMITER -> builder.delimiter(delimiter(charset, typeFromDefaults, type));
			case LENGTH_FIELD -> builder.lengthField(lengthField());
			case FIXED -> builder.recordSize(recordSize(typeFromDefaults, type));
			default -> {
				// The other types need nothing more.
			}
		}
		FramingSettings settings;
		try {
			settings = builder.build();
		}
		catch (IllegalArgumentException ex) {
			throw this.checked.invalidBecause(ListenerProblem.FRAMING_REFUSED, TYPE, this.own.getType(), kebab(type),
					ex);
		}
		if (readHighWatermark > 0 && settings.maxEncodedFrameSize() > readHighWatermark) {
			throw this.checked.invalid(ListenerProblem.FRAME_SIZE_ABOVE_READ_HIGH_WATERMARK, "framing.max-frame-size",
					this.own.getMaxFrameSize(), DataSize.ofBytes(maxFrameSize), DataSize.ofBytes(readHighWatermark),
					DataSize.ofBytes(settings.maxEncodedFrameSize() - maxFrameSize));
		}
		return new ListenerFraming(settings, charset, ownKey);
	}

	/**
	 * Return the first framing key the listener sets itself, in the order the keys are
	 * documented.
	 */
	private String firstOwnKey() {
		LengthField length = this.own.getLengthField();
		Map<String, Object> keys = new LinkedHashMap<>();
		keys.put(TYPE, this.own.getType());
		keys.put("framing.max-frame-size", this.own.getMaxFrameSize());
		keys.put("framing.frame-timeout", this.own.getFrameTimeout());
		keys.put("framing.charset", this.own.getCharset());
		keys.put(DELIMITER, this.own.getDelimiter());
		keys.put(LENGTH_FIELD + "size", length.getSize());
		keys.put(LENGTH_FIELD + "offset", length.getOffset());
		keys.put(LENGTH_FIELD + "adjustment", length.getAdjustment());
		keys.put(LENGTH_FIELD + "strip", length.getStrip());
		keys.put(LENGTH_FIELD + "order", length.getOrder());
		keys.put(RECORD_SIZE, this.own.getRecordSize());
		return keys.entrySet()
			.stream()
			.filter((entry) -> entry.getValue() != null)
			.map(Map.Entry::getKey)
			.findFirst()
			.orElse(null);
	}

	private Charset charset() {
		String name = orElse(this.own.getCharset(), this.fallback.getCharset());
		if (name == null) {
			return StandardCharsets.UTF_8;
		}
		try {
			return Charset.forName(name.strip());
		}
		catch (IllegalCharsetNameException | UnsupportedCharsetException ex) {
			throw this.checked.invalid(ListenerProblem.UNKNOWN_CHARSET, "framing.charset", this.own.getCharset(), name);
		}
	}

	private byte[] delimiter(Charset charset, boolean typeFromDefaults, FrameType type) {
		String text = orElse(this.own.getDelimiter(), this.fallback.getDelimiter());
		if (text == null) {
			throw this.checked.missing(ListenerProblem.FRAMING_SETTING_MISSING, DELIMITER, typeFromDefaults,
					kebab(type));
		}
		ByteArrayOutputStream bytes = new ByteArrayOutputStream();
		for (int i = 0; i < text.length(); i++) {
			char c = text.charAt(i);
			if (c != '\\') {
				bytes.writeBytes(String.valueOf(c).getBytes(charset));
				continue;
			}
			if (i + 1 == text.length()) {
				throw invalidDelimiter(text, "it ends with a lone \\");
			}
			char escape = text.charAt(++i);
			switch (escape) {
				case 'r' -> bytes.write('\r');
				case 'n' -> bytes.write('\n');
				case 't' -> bytes.write('\t');
				case '0' -> bytes.write(0);
				case '\\' -> bytes.write('\\');
				case 'x' -> {
					int high = (i + 2 < text.length()) ? Character.digit(text.charAt(i + 1), 16) : -1;
					int low = (high >= 0) ? Character.digit(text.charAt(i + 2), 16) : -1;
					if (low < 0) {
						throw invalidDelimiter(text, "\\x needs two hex digits, such as \\x1e");
					}
					bytes.write((high << 4) | low);
					i += 2;
				}
				default -> throw invalidDelimiter(text, "\\" + escape + " is no escape it understands");
			}
		}
		if (bytes.size() == 0) {
			throw invalidDelimiter(text, "it is empty");
		}
		return bytes.toByteArray();
	}

	private ListenerConfigurationException invalidDelimiter(String text, String reason) {
		return this.checked.invalid(ListenerProblem.DELIMITER_INVALID, DELIMITER, this.own.getDelimiter(), text,
				reason);
	}

	private io.connlistener.framing.LengthField lengthField() {
		LengthField own = this.own.getLengthField();
		LengthField fallback = this.fallback.getLengthField();
		io.connlistener.framing.LengthField defaults = io.connlistener.framing.LengthField.DEFAULT;
		int size = orElse(orElse(own.getSize(), fallback.getSize()), defaults.size());
		if (size != 1 && size != 2 && size != 4 && size != 8) {
			throw this.checked.invalid(ListenerProblem.LENGTH_FIELD_SIZE_INVALID, LENGTH_FIELD + "size", own.getSize(),
					size);
		}
		int offset = orElse(orElse(own.getOffset(), fallback.getOffset()), defaults.offset());
		if (offset < 0) {
			throw this.checked.invalid(ListenerProblem.LENGTH_FIELD_OFFSET_NEGATIVE, LENGTH_FIELD + "offset",
					own.getOffset(), offset);
		}
		int adjustment = orElse(orElse(own.getAdjustment(), fallback.getAdjustment()), defaults.adjustment());
		boolean strip = orElse(orElse(own.getStrip(), fallback.getStrip()), defaults.strip());
		LengthFieldOrder order = orElse(own.getOrder(), fallback.getOrder());
		return new io.connlistener.framing.LengthField(size, offset, adjustment, strip,
				(order != null) ? order.order() : defaults.order());
	}

	private int recordSize(boolean typeFromDefaults, FrameType type) {
		Integer size = orElse(this.own.getRecordSize(), this.fallback.getRecordSize());
		if (size == null) {
			throw this.checked.missing(ListenerProblem.FRAMING_SETTING_MISSING, RECORD_SIZE, typeFromDefaults,
					kebab(type));
		}
		if (size <= 0) {
			throw this.checked.invalid(ListenerProblem.FRAME_SIZE_NOT_POSITIVE, RECORD_SIZE, this.own.getRecordSize(),
					size, 128);
		}
		return size;
	}

	/**
	 * Return a framing type as it is configured, such as {@code length-field}.
	 * @param type the type
	 * @return its name in kebab case
	 */
	static String kebab(FrameType type) {
		return type.name().toLowerCase(Locale.ROOT).replace('_', '-');
	}

	private static <T> T orElse(T value, T fallback) {
		return (value != null) ? value : fallback;
	}

}
