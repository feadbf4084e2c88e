package io.connlistener.boot.autoconfigure;

import java.nio.ByteOrder;
import java.nio.charset.StandardCharsets;
import java.nio.file.Path;
import java.time.Duration;
import java.util.ArrayList;
import java.util.LinkedHashMap;
import java.util.List;
import java.util.Map;

import io.connlistener.ListenerOption;
import io.connlistener.ListenerSettings;
import io.connlistener.admission.AdmissionSettings;
import io.connlistener.boot.listener.ListenerDefinition;
import io.connlistener.buffer.BufferedConnectionSettings;
import io.connlistener.framing.FrameType;
import io.connlistener.framing.FramingSettings;
import io.connlistener.loop.EventLoop;
import io.connlistener.proxy.ProxyProtocolMode;
import io.connlistener.proxy.ProxyProtocolSettings;
import io.connlistener.tls.ClientAuth;
import io.connlistener.tls.TlsSettings;

import org.springframework.boot.context.properties.ConfigurationProperties;
import org.springframework.util.unit.DataSize;

/**
 * Configuration of connection listeners, under {@code conn-listener}. Each entry of
 * {@code listeners} is one listener, named by its key; {@code defaults} holds the values a
 * listener takes when it does not set them. Unknown keys are an error.
 * <p>
 * The defaults of the settings beyond libevent's are those of
 * {@link ListenerSettings#DEFAULTS}, {@link ProxyProtocolSettings#OFF} and core's {@link TlsSettings}. The default
 * options are {@code reuseable} and
 * {@code close-on-free}, as libevent's own servers pass them, so that an application can
 * bind its port again right after a restart.
 */
@ConfigurationProperties(prefix = ConnListenerProperties.PREFIX, ignoreUnknownFields = false)
public class ConnListenerProperties {

	/**
	 * The prefix of every property.
	 */
	public static final String PREFIX = "conn-listener";

	/**
	 * Whether to create the listeners configured here.
	 */
	private boolean enabled = true;

	/**
	 * Number of event loops that serve connections. Defaults to half the available
	 * processors, at least 1.
	 */
	private int ioThreads = defaultIoThreads();

	/**
	 * Whether listeners accept connections on a loop thread of their own rather than on
	 * one of the I/O loops, which serves the connections it takes without a hand-off.
	 */
	private boolean dedicatedAcceptorLoop;

	/**
	 * How long a loop pauses before it next looks at its sockets while connections keep
	 * arriving (accepted in two looks in a row), so that the connects, requests and closes
	 * that come meanwhile are served in one pass rather than each waking the loop. From 0
	 * (never pause) to 1s; the operating system rounds short pauses up (Linux by 50us).
	 */
	private Duration arrivalBatching = EventLoop.DEFAULT_ARRIVAL_BATCHING;

	/**
	 * Whether each accepted connection is a conn.listener.connection.setup observation (from
	 * accept to its first byte: PROXY header, TLS handshake and deferred accept included),
	 * when the application has an ObservationRegistry. Off by default, as message
	 * observations are: one per connection costs about a tenth of a short connection's CPU
	 * time.
	 */
	private boolean connectionObservations;

	/**
	 * Whether each call of a message handler is a conn.listener.message observation (with
	 * its scope open in the handler, for trace ids in its logs), when the application has
	 * an ObservationRegistry. Off by default, as the listener observations of Spring Kafka
	 * and Spring AMQP are: one per message costs more than the message at high rates.
	 */
	private boolean messageObservations;

	/**
	 * Values of every listener that does not set them itself.
	 */
	private final Defaults defaults = new Defaults();

	/**
	 * Listeners, by name. The name makes the bean name ({@code <name>ConnListener}) and
	 * is what {@code @ConnectionHandler} refers to.
	 */
	private final Map<String, Listener> listeners = new LinkedHashMap<>();

	/**
	 * Return the default number of I/O loops: half the available processors, at least 1.
	 * The other half is left to the kernel's TCP work, which the loops' system calls set off,
	 * and to the application's own threads; docs/BENCHMARKS.md has the figures.
	 * @return the number of loops
	 */
	public static int defaultIoThreads() {
		return Math.max(1, Runtime.getRuntime().availableProcessors() / 2);
	}

	public boolean isEnabled() {
		return this.enabled;
	}

	public void setEnabled(boolean enabled) {
		this.enabled = enabled;
	}

	public int getIoThreads() {
		return this.ioThreads;
	}

	public void setIoThreads(int ioThreads) {
		this.ioThreads = ioThreads;
	}

	public boolean isDedicatedAcceptorLoop() {
		return this.dedicatedAcceptorLoop;
	}

	public void setDedicatedAcceptorLoop(boolean dedicatedAcceptorLoop) {
		this.dedicatedAcceptorLoop = dedicatedAcceptorLoop;
	}

	public Duration getArrivalBatching() {
		return this.arrivalBatching;
	}

	public void setArrivalBatching(Duration arrivalBatching) {
		this.arrivalBatching = arrivalBatching;
	}

	public boolean isConnectionObservations() {
		return this.connectionObservations;
	}

	public void setConnectionObservations(boolean connectionObservations) {
		this.connectionObservations = connectionObservations;
	}

	public boolean isMessageObservations() {
		return this.messageObservations;
	}

	public void setMessageObservations(boolean messageObservations) {
		this.messageObservations = messageObservations;
	}

	public Defaults getDefaults() {
		return this.defaults;
	}

	public Map<String, Listener> getListeners() {
		return this.listeners;
	}

	/**
	 * Values that every listener takes unless it sets its own. They are set here rather
	 * than in field initializers, which {@link Listener} shares unset, so the configuration
	 * processor cannot see them: additional-spring-configuration-metadata.json states each
	 * for the IDE, and {@code ConfigurationMetadataTests} keeps the two in step.
	 */
	public static class Defaults extends ListenerProperties {

		public Defaults() {
			setAddress("0.0.0.0");
			setBacklog(-1);
			setOptions(new ArrayList<>(List.of(ListenerOption.REUSEABLE, ListenerOption.CLOSE_ON_FREE)));
			setEnabled(true);
			setMaxConnections(10_000);
			setMaxConnectionsAction(ListenerSettings.DEFAULT_LIMIT_ACTION);
			setIdleTimeout(ListenerDefinition.DEFAULT_IDLE_TIMEOUT);
			setSpareFileDescriptor(AdmissionSettings.DEFAULT_SPARE_FILE_DESCRIPTOR);
			setTcpNoDelay(true);
			getAdmission().setRules(new ArrayList<>());
			getAdmission().setMaxConnectionsPerIp(AdmissionSettings.DEFAULT_MAX_CONNECTIONS_PER_IP);
			getAdmission().setAcceptRate(AdmissionSettings.DEFAULT_ACCEPTS_PER_SECOND);
			getAdmission().setAcceptBurst(AdmissionSettings.DEFAULT_ACCEPT_BURST);
			getBuffered().setReadBufferSize(DataSize.ofBytes(BufferedConnectionSettings.DEFAULT_READ_BUFFER_SIZE));
			getBuffered().setReadHighWatermark(DataSize.ofBytes(BufferedConnectionSettings.DEFAULT_READ_HIGH_WATERMARK));
			getBuffered().setWriteHighWatermark(DataSize.ofBytes(BufferedConnectionSettings.DEFAULT_WRITE_HIGH_WATERMARK));
			getBuffered().setWriteLowWatermark(DataSize.ofBytes(BufferedConnectionSettings.DEFAULT_WRITE_LOW_WATERMARK));
			getAcceptErrorBackoff().setInitial(ListenerSettings.DEFAULT_BACKOFF_INITIAL);
			getAcceptErrorBackoff().setMax(ListenerSettings.DEFAULT_BACKOFF_MAX);
			setMaxAcceptsPerWakeup(ListenerSettings.DEFAULT_MAX_ACCEPTS_PER_WAKEUP);
			setDeferredAcceptTimeout(ListenerSettings.DEFAULT_DEFERRED_ACCEPT_TIMEOUT);
			setAcceptors(1);
			setFollowReadiness(true);
			setUnbindOnDisable(false);
			setDisableDelay(ListenerDefinition.Deployment.DEFAULT.disableDelay());
			setProxyProtocol(ProxyProtocolMode.OFF);
			setTrustedProxies(new ArrayList<>());
			setProxyProtocolTimeout(ProxyProtocolSettings.DEFAULT_TIMEOUT);
			getTls().setServerNameBundles(new ArrayList<>());
			getTls().setClientAuth(ClientAuth.NONE);
			getTls().setHandshakeTimeout(TlsSettings.DEFAULT_HANDSHAKE_TIMEOUT);
			getTls().setClientHelloMaxSize(DataSize.ofBytes(TlsSettings.DEFAULT_CLIENT_HELLO_MAX_SIZE));
			getTls().setApplicationProtocols(new ArrayList<>());
			getFraming().setMaxFrameSize(DataSize.ofBytes(FramingSettings.DEFAULT_MAX_FRAME_SIZE));
			getFraming().setFrameTimeout(FramingSettings.DEFAULT_FRAME_TIMEOUT);
			getFraming().setCharset(StandardCharsets.UTF_8.name());
			getFraming().getLengthField().setSize(io.connlistener.framing.LengthField.DEFAULT.size());
			getFraming().getLengthField().setOffset(io.connlistener.framing.LengthField.DEFAULT.offset());
			getFraming().getLengthField().setAdjustment(io.connlistener.framing.LengthField.DEFAULT.adjustment());
			getFraming().getLengthField().setStrip(io.connlistener.framing.LengthField.DEFAULT.strip());
			getFraming().getLengthField().setOrder(LengthFieldOrder.BIG_ENDIAN);
		}

	}

	/**
	 * One listener. A value it does not set is taken from {@code defaults}.
	 */
	public static class Listener extends ListenerProperties {

		/**
		 * TCP port to listen on; 0 picks a free port. Set either this or path.
		 */
		private Integer port;

		/**
		 * Unix domain socket file to listen on. Set either this or port.
		 */
		private Path path;

		/**
		 * Whether to listen on the socket the process inherited as standard input, as inetd
		 * and systemd (StandardInput=socket) pass it, instead of binding port or path.
		 */
		private boolean inherited;

		/**
		 * Name of a ServerSocketChannel bean, bound by the application, to listen on instead
		 * of binding port or path.
		 */
		private String channelBean;

		public Integer getPort() {
			return this.port;
		}

		public void setPort(Integer port) {
			this.port = port;
		}

		public Path getPath() {
			return this.path;
		}

		public void setPath(Path path) {
			this.path = path;
		}

		public boolean isInherited() {
			return this.inherited;
		}

		public void setInherited(boolean inherited) {
			this.inherited = inherited;
		}

		public String getChannelBean() {
			return this.channelBean;
		}

		public void setChannelBean(String channelBean) {
			this.channelBean = channelBean;
		}

	}

	/**
	 * Which connections a listener admits: checked on the acceptor loop right after accept,
	 * before any handler sees the connection. A connection refused is closed at once and
	 * counted by reason.
	 */
	public static class Admission {

		/**
		 * Address rules, each 'allow <cidr>' or 'deny <cidr>', checked in order: the first
		 * that matches decides. With at least one allow rule, a client no rule matches is
		 * denied. A listener that sets its own rules replaces these.
		 */
		private List<String> rules;

		/**
		 * Most connections open at once from one client address; 0 for no cap.
		 */
		private Integer maxConnectionsPerIp;

		/**
		 * Most connections admitted per second, on average; 0 for no limit.
		 */
		private Double acceptRate;

		/**
		 * Most connections admitted at once after a quiet period, over accept-rate; 0 for
		 * one second's worth.
		 */
		private Integer acceptBurst;

		Admission() {
		}

		public List<String> getRules() {
			return this.rules;
		}

		public void setRules(List<String> rules) {
			this.rules = rules;
		}

		public Integer getMaxConnectionsPerIp() {
			return this.maxConnectionsPerIp;
		}

		public void setMaxConnectionsPerIp(Integer maxConnectionsPerIp) {
			this.maxConnectionsPerIp = maxConnectionsPerIp;
		}

		public Double getAcceptRate() {
			return this.acceptRate;
		}

		public void setAcceptRate(Double acceptRate) {
			this.acceptRate = acceptRate;
		}

		public Integer getAcceptBurst() {
			return this.acceptBurst;
		}

		public void setAcceptBurst(Integer acceptBurst) {
			this.acceptBurst = acceptBurst;
		}

	}

	/**
	 * Buffering of connections served by a buffered handler: libevent's bufferevent
	 * watermarks.
	 */
	public static class Buffered {

		/**
		 * Size of each pooled buffer segment, so the most one read from the socket takes.
		 */
		private DataSize readBufferSize;

		/**
		 * Input held at which reading from the socket stops until the handler consumes it;
		 * 0 for no limit.
		 */
		private DataSize readHighWatermark;

		/**
		 * Output held above which the connection reports itself not writable.
		 */
		private DataSize writeHighWatermark;

		/**
		 * Output held at or below which the handler is told it may write again.
		 */
		private DataSize writeLowWatermark;

		Buffered() {
		}

		public DataSize getReadBufferSize() {
			return this.readBufferSize;
		}

		public void setReadBufferSize(DataSize readBufferSize) {
			this.readBufferSize = readBufferSize;
		}

		public DataSize getReadHighWatermark() {
			return this.readHighWatermark;
		}

		public void setReadHighWatermark(DataSize readHighWatermark) {
			this.readHighWatermark = readHighWatermark;
		}

		public DataSize getWriteHighWatermark() {
			return this.writeHighWatermark;
		}

		public void setWriteHighWatermark(DataSize writeHighWatermark) {
			this.writeHighWatermark = writeHighWatermark;
		}

		public DataSize getWriteLowWatermark() {
			return this.writeLowWatermark;
		}

		public void setWriteLowWatermark(DataSize writeLowWatermark) {
			this.writeLowWatermark = writeLowWatermark;
		}

	}

	/**
	 * TLS on the connections a listener accepts: the key and certificates of a Spring Boot
	 * SSL bundle ({@code spring.ssl.bundle.*}), chosen per connection by the host name the
	 * client asks for with SNI, and the limits of the handshake, which runs on the loop
	 * before any handler sees the connection. A listener serves TLS when it or the defaults
	 * name a bundle.
	 */
	public static class Tls {

		/**
		 * Name of the SSL bundle (spring.ssl.bundle.pem.<name> or .jks.<name>) whose key and
		 * certificate chain the listener serves; setting it turns TLS on.
		 */
		private String bundle;

		/**
		 * SSL bundles served instead of bundle to clients that ask for one of these host
		 * names with SNI. A listener that sets its own replaces these.
		 */
		private List<ServerNameBundle> serverNameBundles;

		/**
		 * Whether clients are asked for a certificate, checked against the trust store of the
		 * bundle served: none, want (asked for, not required) or need (required).
		 */
		private ClientAuth clientAuth;

		/**
		 * How long a connection may take to send its ClientHello and complete its TLS
		 * handshake, counted from the end of the PROXY header and admission, before it is
		 * closed.
		 */
		private Duration handshakeTimeout;

		/**
		 * Most bytes of ClientHello accepted before the handshake completes, records'
		 * headers included; a client that claims or sends more is closed.
		 */
		private DataSize clientHelloMaxSize;

		/**
		 * Application protocols offered with ALPN, in order of preference; a client whose
		 * list holds none of them fails the handshake. Empty for no ALPN.
		 */
		private List<String> applicationProtocols;

		Tls() {
		}

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

		public List<ServerNameBundle> getServerNameBundles() {
			return this.serverNameBundles;
		}

		public void setServerNameBundles(List<ServerNameBundle> serverNameBundles) {
			this.serverNameBundles = serverNameBundles;
		}

		public ClientAuth getClientAuth() {
			return this.clientAuth;
		}

		public void setClientAuth(ClientAuth clientAuth) {
			this.clientAuth = clientAuth;
		}

		public Duration getHandshakeTimeout() {
			return this.handshakeTimeout;
		}

		public void setHandshakeTimeout(Duration handshakeTimeout) {
			this.handshakeTimeout = handshakeTimeout;
		}

		public DataSize getClientHelloMaxSize() {
			return this.clientHelloMaxSize;
		}

		public void setClientHelloMaxSize(DataSize clientHelloMaxSize) {
			this.clientHelloMaxSize = clientHelloMaxSize;
		}

		public List<String> getApplicationProtocols() {
			return this.applicationProtocols;
		}

		public void setApplicationProtocols(List<String> applicationProtocols) {
			this.applicationProtocols = applicationProtocols;
		}

	}

	/**
	 * The SSL bundle a listener serves to clients that ask for a host name with SNI.
	 */
	public static class ServerNameBundle {

		/**
		 * Host name clients ask for, such as a.example.test, or *.example.test for any
		 * one label in front of example.test; compared without regard to case.
		 */
		private String serverName;

		/**
		 * Name of the SSL bundle served for it.
		 */
		private String bundle;

		public String getServerName() {
			return this.serverName;
		}

		public void setServerName(String serverName) {
			this.serverName = serverName;
		}

		public String getBundle() {
			return this.bundle;
		}

		public void setBundle(String bundle) {
			this.bundle = bundle;
		}

	}

	/**
	 * How the bytes of a connection served by a message handler are cut into messages.
	 * Setting type turns framing on.
	 */
	public static class Framing {

		/**
		 * How frames are delimited: line (ends with LF, an optional CR before it dropped),
		 * delimiter, length-field, stx-etx, fixed or raw (whatever one read brings).
		 */
		private FrameType type;

		/**
		 * Most bytes of one frame's payload; a peer that sends or claims more is closed
		 * before more is buffered.
		 */
		private DataSize maxFrameSize;

		/**
		 * How long a frame may take to arrive once its first byte has; a peer that takes
		 * longer is closed.
		 */
		private Duration frameTimeout;

		/**
		 * Character set of String messages.
		 */
		private String charset;

		/**
		 * Bytes that end each frame, for type delimiter. Escapes \r, \n, \t, \0, \\ and
		 * \xHH (one byte in hex) are understood; other characters are encoded with charset.
		 */
		private String delimiter;

		/**
		 * Header that gives each frame's length, for type length-field.
		 */
		private final LengthField lengthField = new LengthField();

		/**
		 * Bytes of each frame, for type fixed.
		 */
		private Integer recordSize;

		Framing() {
		}

		public FrameType getType() {
			return this.type;
		}

		public void setType(FrameType type) {
			this.type = type;
		}

		public DataSize getMaxFrameSize() {
			return this.maxFrameSize;
		}

		public void setMaxFrameSize(DataSize maxFrameSize) {
			this.maxFrameSize = maxFrameSize;
		}

		public Duration getFrameTimeout() {
			return this.frameTimeout;
		}

		public void setFrameTimeout(Duration frameTimeout) {
			this.frameTimeout = frameTimeout;
		}

		public String getCharset() {
			return this.charset;
		}

		public void setCharset(String charset) {
			this.charset = charset;
		}

		public String getDelimiter() {
			return this.delimiter;
		}

		public void setDelimiter(String delimiter) {
			this.delimiter = delimiter;
		}

		public LengthField getLengthField() {
			return this.lengthField;
		}

		public Integer getRecordSize() {
			return this.recordSize;
		}

		public void setRecordSize(Integer recordSize) {
			this.recordSize = recordSize;
		}

	}

	/**
	 * The header in front of each frame of type length-field.
	 */
	public static class LengthField {

		/**
		 * Bytes of the length: 1, 2, 4 or 8.
		 */
		private Integer size;

		/**
		 * Bytes before the length, part of the header.
		 */
		private Integer offset;

		/**
		 * Added to the length read to get the payload's length, for protocols whose length
		 * counts more or less than the payload.
		 */
		private Integer adjustment;

		/**
		 * Whether the header is left out of the message handed to the handler.
		 */
		private Boolean strip;

		/**
		 * Byte order of the length: big-endian (network order) or little-endian.
		 */
		private LengthFieldOrder order;

		LengthField() {
		}

		public Integer getSize() {
			return this.size;
		}

		public void setSize(Integer size) {
			this.size = size;
		}

		public Integer getOffset() {
			return this.offset;
		}

		public void setOffset(Integer offset) {
			this.offset = offset;
		}

		public Integer getAdjustment() {
			return this.adjustment;
		}

		public void setAdjustment(Integer adjustment) {
			this.adjustment = adjustment;
		}

		public Boolean getStrip() {
			return this.strip;
		}

		public void setStrip(Boolean strip) {
			this.strip = strip;
		}

		public LengthFieldOrder getOrder() {
			return this.order;
		}

		public void setOrder(LengthFieldOrder order) {
			this.order = order;
		}

	}

	/**
	 * Byte order of a length field.
	 */
	public enum LengthFieldOrder {

		/**
		 * Most significant byte first, network order.
		 */
		BIG_ENDIAN(ByteOrder.BIG_ENDIAN),

		/**
		 * Least significant byte first.
		 */
		LITTLE_ENDIAN(ByteOrder.LITTLE_ENDIAN);

		private final ByteOrder order;

		LengthFieldOrder(ByteOrder order) {
			this.order = order;
		}

		/**
		 * Return the order as the JDK names it.
		 * @return the byte order
		 */
		public ByteOrder order() {
			return this.order;
		}

	}

	/**
	 * Pause after an accept fails for want of a resource: the first pause doubles with each
	 * failure in a row, up to the longest.
	 */
	public static class Backoff {

		/**
		 * First pause.
		 */
		private Duration initial;

		/**
		 * Longest pause.
		 */
		private Duration max;

		Backoff() {
		}

		public Duration getInitial() {
			return this.initial;
		}

		public void setInitial(Duration initial) {
			this.initial = initial;
		}

		public Duration getMax() {
			return this.max;
		}

		public void setMax(Duration max) {
			this.max = max;
		}

	}

}
