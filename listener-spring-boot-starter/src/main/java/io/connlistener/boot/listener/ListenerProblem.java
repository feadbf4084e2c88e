package io.connlistener.boot.listener;

/**
 * What is wrong with the configuration of a listener or of its handler: the
 * {@link ListenerConfigurationException#getProblem() problem} of a
 * {@link ListenerConfigurationException}. Each constant says which facts the exception's
 * details hold, in order; the key and the value are those of the property to change.
 */
public enum ListenerProblem {

	/** Neither a port nor a path is set. */
	NO_ADDRESS,

	/** Both a port and a path are set; the value is the path. Details: the port. */
	TWO_ADDRESSES,

	/** The port, as configured, is not from 0 to 65535. */
	PORT_OUT_OF_RANGE,

	/** The address is neither an IP address nor a host name that resolves. */
	UNRESOLVED_ADDRESS,

	/** The channel bean's name is empty. */
	EMPTY_CHANNEL_BEAN,

	/** The listener adopts both the inherited channel and a channel bean. */
	TWO_CHANNELS,

	/** {@code io-threads} is below one. */
	NO_IO_THREADS,

	/** {@code arrival-batching} is negative or too long. Details: the longest. */
	ARRIVAL_BATCHING_OUT_OF_RANGE,

	/** The backlog is 0, which means a channel that is already listening. */
	BACKLOG_ZERO,

	/** {@code max-connections} is below one. */
	NO_CONNECTIONS,

	/** {@code max-accepts-per-wakeup} is below one. Details: an example of a good value. */
	NO_ACCEPTS_PER_WAKEUP,

	/** {@code accept-error-backoff.max} is below the initial one. Details: the initial backoff. */
	BACKOFF_MAX_BELOW_INITIAL,

	/** {@code max-connections-resume} is negative or not below the limit. Details: the limit. */
	RESUME_NOT_BELOW_LIMIT,

	/** A duration is negative. Details: an example of a good value. */
	NEGATIVE_DURATION,

	/** A duration that must be positive is not, or is empty. Details: an example of a good value. */
	NOT_POSITIVE_DURATION,

	/** {@code admission.max-connections-per-ip} is negative. */
	NEGATIVE_CONNECTIONS_PER_IP,

	/** {@code admission.accept-rate} is out of range. Details: the highest rate. */
	ACCEPT_RATE_OUT_OF_RANGE,

	/** {@code admission.accept-burst} is negative. */
	NEGATIVE_ACCEPT_BURST,

	/** An admission rule starts with neither {@code allow} nor {@code deny}. */
	RULE_WITHOUT_ACTION,

	/** An admission rule's range is no CIDR range. Details: the rule's action, its range. */
	RULE_WITH_INVALID_RANGE,

	/** The read buffer size is out of range. Details: the smallest size, the largest. */
	READ_BUFFER_SIZE_OUT_OF_RANGE,

	/** The write low watermark is above the high one. Details: the high watermark. */
	WRITE_LOW_ABOVE_HIGH,

	/** A size is negative or does not fit an int. Details: an example of a good value. */
	SIZE_OUT_OF_RANGE,

	/** {@code acceptors} is out of range. Details: the most acceptors. */
	ACCEPTORS_OUT_OF_RANGE,

	/** A listener that adopts a channel has more than one acceptor. */
	ACCEPTORS_OF_ADOPTED_CHANNEL,

	/** A Unix domain socket listener has more than one acceptor. */
	ACCEPTORS_OF_UNIX_SOCKET,

	/** The platform has no {@code SO_REUSEPORT} for more than one acceptor. */
	NO_REUSEPORT,

	/** {@code unbind-on-disable} is true for an adopted channel. */
	UNBIND_OF_ADOPTED_CHANNEL,

	/** {@code path-permissions} is set for an adopted channel. */
	PATH_PERMISSIONS_OF_ADOPTED_CHANNEL,

	/** {@code path-permissions} is no POSIX permission string. */
	PATH_PERMISSIONS_NOT_POSIX,

	/** {@code path-permissions} is set for a listener without path. */
	PATH_PERMISSIONS_WITHOUT_PATH,

	/** A trusted proxy is no IP address or CIDR range; the cause says why. */
	TRUSTED_PROXY_NOT_A_RANGE,

	/**
	 * The PROXY protocol is required but no proxy is trusted. Details: whether
	 * {@code proxy-protocol} is the defaults'.
	 */
	NO_TRUSTED_PROXIES,

	/** A Unix domain socket listener sets an IP address. */
	ADDRESS_OF_UNIX_SOCKET,

	/** A Unix domain socket listener sets {@code tcp-no-delay}. */
	TCP_NO_DELAY_OF_UNIX_SOCKET,

	/** A Unix domain socket listener sets trusted proxies. */
	TRUSTED_PROXIES_OF_UNIX_SOCKET,

	/** A Unix domain socket listener admits by IP address without PROXY headers. */
	ADMISSION_OF_UNIX_SOCKET,

	/**
	 * No SSL bundle has the name a TLS property gives; the value is that name. Details: the
	 * names of the bundles configured.
	 */
	TLS_UNKNOWN_BUNDLE,

	/**
	 * The SSL bundle has no private key and certificate to serve; the value is its name.
	 * Details: the {@link io.connlistener.boot.listener.tls.UnusableBundleException.Reason},
	 * the key alias the bundle names or {@code null}.
	 */
	TLS_BUNDLE_WITHOUT_KEY,

	/** The SSL bundle cannot be loaded; the value is its name, and the cause says why. */
	TLS_BUNDLE_UNREADABLE,

	/**
	 * {@code tls.client-auth} asks clients for certificates, but a bundle served has no trust
	 * store. Details: that bundle's name, the key that names it, whether that key is the
	 * defaults'.
	 */
	TLS_CLIENT_AUTH_WITHOUT_TRUST_STORE,

	/** {@code tls.client-hello-max-size} is out of range. Details: the smallest size, the largest. */
	TLS_CLIENT_HELLO_MAX_SIZE_OUT_OF_RANGE,

	/** An ALPN protocol name is empty or longer than 255 characters. */
	TLS_INVALID_APPLICATION_PROTOCOL,

	/** A server name of {@code tls.server-name-bundles} is no host name nor a wildcard of one. */
	TLS_SERVER_NAME_NOT_A_HOST_NAME,

	/**
	 * A server name of {@code tls.server-name-bundles} is given twice. Details: the index of
	 * its first entry.
	 */
	TLS_SERVER_NAME_TWICE,

	/** An entry of {@code tls.server-name-bundles} names no bundle. Details: its server name. */
	TLS_SERVER_NAME_WITHOUT_BUNDLE,

	/** The listener sets a TLS property but no {@code tls.bundle}, its own or the defaults'. */
	TLS_SETTING_WITHOUT_BUNDLE,

	/**
	 * A raw handler ({@code AcceptCallback}) serves a TLS listener, and would see encrypted
	 * bytes; the key and value are those of {@code tls.bundle}. Details: the handler bean's
	 * name.
	 */
	RAW_HANDLER_ON_TLS_LISTENER,

	/**
	 * A message handler serves the listener, but no {@code framing.type} is set, its own or
	 * the defaults'; the key is {@code framing.type}. Details: the handler bean's name.
	 */
	FRAMING_REQUIRED,

	/**
	 * The listener sets a framing key itself, but its handler is no message handler; the
	 * key is the first framing key it sets. Details: the handler bean's name, its style.
	 */
	FRAMING_OF_OTHER_HANDLER,

	/**
	 * The framing type needs a setting that is not set; the key is that setting's.
	 * Details: the type, as configured.
	 */
	FRAMING_SETTING_MISSING,

	/** {@code framing.length-field.size} is not 1, 2, 4 or 8. */
	LENGTH_FIELD_SIZE_INVALID,

	/** {@code framing.length-field.offset} is negative. */
	LENGTH_FIELD_OFFSET_NEGATIVE,

	/**
	 * A framing size ({@code max-frame-size}, {@code record-size}) is not positive.
	 * Details: an example of a good value.
	 */
	FRAME_SIZE_NOT_POSITIVE,

	/**
	 * {@code framing.max-frame-size}, with the frame's delimiter or header, does not fit
	 * under {@code buffered.read-high-watermark}. Details: the watermark, the bytes the
	 * framing adds to a payload.
	 */
	FRAME_SIZE_ABOVE_READ_HIGH_WATERMARK,

	/** {@code framing.charset} names no character set this JVM has. */
	UNKNOWN_CHARSET,

	/** {@code framing.delimiter} is empty or holds an escape that is not understood. Details: what is wrong. */
	DELIMITER_INVALID,

	/** Core refused the framing settings; the key is {@code framing.type}, and the cause says why. */
	FRAMING_REFUSED,

	/**
	 * A message handler's message type is not {@code String}, {@code byte[]} or
	 * {@code ByteBuffer}. Details: the bean's name, the type or {@code null} if it cannot be
	 * told.
	 */
	UNSUPPORTED_MESSAGE_TYPE,

	/** No channel beans can be looked up. */
	NO_CHANNEL_BEANS,

	/** No bean has the channel bean's name. */
	NO_SUCH_CHANNEL_BEAN,

	/** The channel bean is no {@code ServerSocketChannel}. Details: the bean's type. */
	NOT_A_CHANNEL_BEAN,

	/** The channel bean is not bound. */
	UNBOUND_CHANNEL_BEAN,

	/** The channel bean is closed. */
	CLOSED_CHANNEL_BEAN,

	/** The inherited channel cannot be read; the cause says why. */
	UNREADABLE_INHERITED_CHANNEL,

	/** Standard input is not a socket. */
	NO_INHERITED_SOCKET,

	/** Standard input is a connected socket. Details: the channel's type. */
	CONNECTED_INHERITED_SOCKET,

	/** Another listener adopts the inherited channel. Details: that listener's name. */
	INHERITED_CHANNEL_TAKEN,

	/**
	 * The adopted channel listens elsewhere than the port, path or address says; the
	 * value is the configured address. Details: the channel's address, the key that
	 * adopts it.
	 */
	ADOPTED_CHANNEL_ELSEWHERE,

	/** No bean handles the listener. */
	NO_HANDLER,

	/** Several beans handle the listener. Details: the beans' names. */
	SEVERAL_HANDLERS,

	/**
	 * A handler names a listener that is not configured. Details: the handler bean's
	 * name, the configured listeners.
	 */
	HANDLER_OF_NO_LISTENER,

	/**
	 * A handler bean implements no handler interface. Details: the bean's name, its type.
	 */
	NOT_A_HANDLER,

	/**
	 * The application was AOT-processed with other listeners than it is configured with
	 * now; the key is {@code listeners} of {@code conn-listener}, the value the listeners
	 * configured now. Details: the listeners at build time.
	 */
	LISTENERS_CHANGED_AFTER_AOT_PROCESSING,

	/**
	 * {@code conn-listener.enabled} is false, but the application was AOT-processed with
	 * it true.
	 */
	DISABLED_AFTER_AOT_PROCESSING

}
