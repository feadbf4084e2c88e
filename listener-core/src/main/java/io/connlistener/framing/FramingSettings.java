package io.connlistener.framing;

import java.time.Duration;
import java.util.Arrays;
import java.util.Objects;

/**
 * How the bytes of a connection are cut into frames: the {@link FrameType}, its settings and
 * the bounds every frame keeps to. Immutable; made and checked by a {@link Builder}.
 * <p>
 * The bounds are on by default and never unlimited: a frame longer than
 * {@link #maxFrameSize()} closes the connection as soon as that is known, and a started frame
 * that does not complete within {@link #frameTimeout()} closes it too.
 */
public final class FramingSettings {

	/**
	 * The default maximum payload size: 64 KiB.
	 */
	public static final int DEFAULT_MAX_FRAME_SIZE = 64 * 1024;

	/**
	 * The default time a started frame has to complete: 30 seconds.
	 */
	public static final Duration DEFAULT_FRAME_TIMEOUT = Duration.ofSeconds(30);

	private final FrameType type;

	private final int maxFrameSize;

	private final Duration frameTimeout;

	private final byte[] delimiter;

	private final LengthField lengthField;

	private final int recordSize;

	private FramingSettings(Builder builder) {
		this.type = builder.type;
		this.maxFrameSize = builder.maxFrameSize;
		this.frameTimeout = builder.frameTimeout;
		this.delimiter = (this.type == FrameType.DELIMITER) ? builder.delimiter.clone() : null;
		this.lengthField = (this.type == FrameType.LENGTH_FIELD) ? builder.lengthField : null;
		this.recordSize = (this.type == FrameType.FIXED) ? builder.recordSize : 0;
	}

	/**
	 * Start settings of a type, with the default bounds.
	 * @param type the frame type
	 * @return a builder
	 */
	public static Builder builder(FrameType type) {
		Objects.requireNonNull(type, "'type' must not be null");
		return new Builder(type);
	}

	/**
	 * Return how frames are cut.
	 * @return the frame type
	 */
	public FrameType type() {
		return this.type;
	}

	/**
	 * Return the most payload bytes one frame may carry, delimiters and length fields not
	 * counted (a length field that is not stripped is part of the payload).
	 * @return the limit, at least 1
	 */
	public int maxFrameSize() {
		return this.maxFrameSize;
	}

	/**
	 * Return how long a started frame has to complete.
	 * @return a positive duration
	 */
	public Duration frameTimeout() {
		return this.frameTimeout;
	}

	/**
	 * Return the byte sequence that ends a {@link FrameType#DELIMITER} frame.
	 * @return a copy of the delimiter, or {@code null} for the other types
	 */
	public byte[] delimiter() {
		return (this.delimiter != null) ? this.delimiter.clone() : null;
	}

	/**
	 * Return the length field of a {@link FrameType#LENGTH_FIELD} frame.
	 * @return the field, {@link LengthField#DEFAULT} unless set; {@code null} for the other
	 * types
	 */
	public LengthField lengthField() {
		return this.lengthField;
	}

	/**
	 * Return the size of a {@link FrameType#FIXED} record.
	 * @return the size, or 0 for the other types
	 */
	public int recordSize() {
		return this.recordSize;
	}

	/**
	 * Return the most bytes one frame takes on the wire: the maximum frame size plus the
	 * delimiter, the STX and ETX or the bytes up to the end of the length field. A connection
	 * whose read high watermark is below this can never buffer the largest frame.
	 * @return the largest frame in bytes
	 */
	public int maxEncodedFrameSize() {
		long overhead = switch (this.type) {
			case LINE -> 2;
			case DELIMITER -> this.delimiter.length;
			case STX_ETX -> 2;
			case LENGTH_FIELD -> this.lengthField.headerLength();
			case FIXED, RAW -> 0;
		};
		return (int) Math.min(Integer.MAX_VALUE, this.maxFrameSize + overhead);
	}

	@Override
	public boolean equals(Object other) {
		if (this == other) {
			return true;
		}
		return other instanceof FramingSettings that && this.type == that.type
				&& this.maxFrameSize == that.maxFrameSize && this.frameTimeout.equals(that.frameTimeout)
				&& Arrays.equals(this.delimiter, that.delimiter)
				&& Objects.equals(this.lengthField, that.lengthField) && this.recordSize == that.recordSize;
	}

	@Override
	public int hashCode() {
		return Objects.hash(this.type, this.maxFrameSize, this.frameTimeout, Arrays.hashCode(this.delimiter),
				this.lengthField, this.recordSize);
	}

	@Override
	public String toString() {
		return "FramingSettings[type=" + this.type + ", maxFrameSize=" + this.maxFrameSize + ", frameTimeout="
				+ this.frameTimeout + ((this.delimiter != null) ? ", delimiter=" + Arrays.toString(this.delimiter) : "")
				+ ((this.lengthField != null) ? ", lengthField=" + this.lengthField : "")
				+ ((this.type == FrameType.FIXED) ? ", recordSize=" + this.recordSize : "") + "]";
	}

	/**
	 * Builds {@link FramingSettings} and checks them. Not thread-safe.
	 */
	public static final class Builder {

		private final FrameType type;

		private int maxFrameSize = DEFAULT_MAX_FRAME_SIZE;

		private Duration frameTimeout = DEFAULT_FRAME_TIMEOUT;

		private byte[] delimiter;

		private LengthField lengthField = LengthField.DEFAULT;

		private int recordSize;

		private Builder(FrameType type) {
			this.type = type;
		}

		/**
		 * Set the most payload bytes one frame may carry.
		 * @param maxFrameSize the limit, at least 1
		 * @return this builder
		 */
		public Builder maxFrameSize(int maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
			return this;
		}

		/**
		 * Set how long a started frame has to complete.
		 * @param frameTimeout a positive duration
		 * @return this builder
		 */
		public Builder frameTimeout(Duration frameTimeout) {
			this.frameTimeout = frameTimeout;
			return this;
		}

		/**
		 * Set the byte sequence that ends a {@link FrameType#DELIMITER} frame.
		 * @param delimiter at least one byte; copied
		 * @return this builder
		 */
		public Builder delimiter(byte[] delimiter) {
			this.delimiter = (delimiter != null) ? delimiter.clone() : null;
			return this;
		}

		/**
		 * Set the length field of a {@link FrameType#LENGTH_FIELD} frame.
		 * @param lengthField the field
		 * @return this builder
		 */
		public Builder lengthField(LengthField lengthField) {
			this.lengthField = lengthField;
			return this;
		}

		/**
		 * Set the size of a {@link FrameType#FIXED} record.
		 * @param recordSize the size, from 1 to the maximum frame size
		 * @return this builder
		 */
		public Builder recordSize(int recordSize) {
			this.recordSize = recordSize;
			return this;
		}

		/**
		 * Check the settings and build them.
		 * @return the settings
		 * @throws IllegalArgumentException naming the setting that is missing or out of range
		 */
		public FramingSettings build() {
			if (this.maxFrameSize < 1) {
				throw new IllegalArgumentException("'maxFrameSize' must be at least 1, not " + this.maxFrameSize);
			}
			if (this.frameTimeout == null || this.frameTimeout.isZero() || this.frameTimeout.isNegative()) {
				throw new IllegalArgumentException("'frameTimeout' must be positive, not " + this.frameTimeout);
			}
			switch (this.type) {
				case DELIMITER -> {
					if (this.delimiter == null || this.delimiter.length == 0) {
						throw new IllegalArgumentException("'delimiter' must be set for framing type DELIMITER");
					}
				}
				case LENGTH_FIELD -> {
					if (this.lengthField == null) {
						throw new IllegalArgumentException("'lengthField' must be set for framing type LENGTH_FIELD");
					}
				}
				case FIXED -> {
					if (this.recordSize == 0) {
						throw new IllegalArgumentException("'recordSize' must be set for framing type FIXED");
					}
					if (this.recordSize < 1 || this.recordSize > this.maxFrameSize) {
						throw new IllegalArgumentException("'recordSize' must be between 1 and 'maxFrameSize' ("
								+ this.maxFrameSize + "), not " + this.recordSize);
					}
				}
				default -> {
				}
			}
			return new FramingSettings(this);
		}

	}

}
